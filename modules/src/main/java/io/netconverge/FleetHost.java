package io.netconverge;

import io.netconverge.core.engine.Target;
import io.netconverge.hoststate.HostState;
import io.netconverge.inventory.InventoryHost;
import java.util.Objects;

/**
 * One host of a fleet run: where it is and what it should be.
 *
 * @param target the host (its name is the name in reports)
 * @param state what it should be
 */
public record FleetHost(Target target, HostState state) {

  public FleetHost {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(state, "state");
  }

  public static FleetHost of(InventoryHost host) {
    return new FleetHost(host.target(), host.state());
  }

  public String name() {
    return target.name();
  }
}
