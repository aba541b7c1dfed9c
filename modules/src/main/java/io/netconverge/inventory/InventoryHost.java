package io.netconverge.inventory;

import io.netconverge.core.engine.Target;
import io.netconverge.hoststate.HostState;
import java.util.Optional;

/**
 * One host of an inventory, with its group's defaults applied.
 *
 * @param name the host's name in reports and in {@code --limit}
 * @param group the group it belongs to, if any
 */
public record InventoryHost(
    String name, Optional<String> group, Connection connection, HostState state) {

  public Target target() {
    return connection.target(name);
  }
}
