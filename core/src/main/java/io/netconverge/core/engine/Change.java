package io.netconverge.core.engine;

import java.util.List;
import java.util.Objects;

/**
 * The diff of one resource, as data: plan output, {@code --diff}, JSON reports and tests all read
 * this one value.
 *
 * @param resource the identity of the resource, e.g. {@code sysctl net.ipv4.ip_forward}
 * @param action what converging does
 * @param before the live form, null when absent
 * @param after the declared form, null when it is to be removed
 * @param fields the differences in detail; empty when the action is OK
 */
public record Change(
    String resource, Action action, String before, String after, List<FieldChange> fields) {

  public Change {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(action, "action");
    fields = List.copyOf(fields);
  }

  public static Change ok(String resource, String current) {
    return new Change(resource, Action.OK, current, current, List.of());
  }

  public static Change create(String resource, String after, List<FieldChange> fields) {
    return new Change(resource, Action.CREATE, null, after, fields);
  }

  public static Change update(
      String resource, String before, String after, List<FieldChange> fields) {
    return new Change(resource, Action.UPDATE, before, after, fields);
  }

  public static Change delete(String resource, String before, List<FieldChange> fields) {
    return new Change(resource, Action.DELETE, before, null, fields);
  }

  public boolean changes() {
    return action.changes();
  }
}
