package io.netconverge;

import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.Executor;
import io.netconverge.hoststate.HostState;
import io.netconverge.inventory.InventoryHost;
import io.netconverge.trust.Health;
import java.util.Objects;

/**
 * One host of a fleet run: where it is and what it should be.
 *
 * @param target the host (its name is the name in reports)
 * @param state what it should be
 * @param fresh how to reach the host through a new connection (no shared ssh master), to check
 *     after an apply that the way in still works before confirming it
 */
public record FleetHost(Target target, HostState state, Executor fresh) {

  public FleetHost {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(fresh, "fresh");
  }

  /** A host whose health check goes through the target's own executor. */
  public FleetHost(Target target, HostState state) {
    this(target, state, Objects.requireNonNull(target, "target").executor());
  }

  public static FleetHost of(InventoryHost host) {
    Target target = host.target();
    return new FleetHost(
        target, host.state(), Health.freshExecutor(host.connection(), target.executor()));
  }

  public String name() {
    return target.name();
  }
}
