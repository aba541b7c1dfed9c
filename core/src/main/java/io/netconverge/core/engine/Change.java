package io.netconverge.core.engine;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The diff of one resource, as data: plan output, {@code --diff}, JSON reports and tests all read
 * this one value.
 *
 * @param resource which resource: its kind and key
 * @param action what converging does
 * @param before the live form (the module's typed item), null when absent
 * @param after the declared form, null when it is to be removed
 * @param fields the differences in detail; empty when the action is OK
 */
public record Change(
    ResourceId resource,
    Action action,
    ChangeValue before,
    ChangeValue after,
    List<FieldChange> fields) {

  public Change {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(action, "action");
    fields = List.copyOf(fields);
  }

  public static Change ok(ResourceId resource, ChangeValue current) {
    return new Change(resource, Action.OK, current, current, List.of());
  }

  public static Change create(ResourceId resource, ChangeValue after, List<FieldChange> fields) {
    return new Change(resource, Action.CREATE, null, after, fields);
  }

  public static Change update(
      ResourceId resource, ChangeValue before, ChangeValue after, List<FieldChange> fields) {
    return new Change(resource, Action.UPDATE, before, after, fields);
  }

  public static Change delete(ResourceId resource, ChangeValue before, List<FieldChange> fields) {
    return new Change(resource, Action.DELETE, before, null, fields);
  }

  public boolean changes() {
    return action.changes();
  }

  /** The live form as a {@code type} (e.g. a route), when there is one of that type. */
  public <T> Optional<T> before(Class<T> type) {
    return before == null ? Optional.empty() : before.as(type);
  }

  /** The declared form as a {@code type}, when there is one of that type. */
  public <T> Optional<T> after(Class<T> type) {
    return after == null ? Optional.empty() : after.as(type);
  }

  /** The field named {@code field}, if it differs. */
  public Optional<FieldChange> field(String field) {
    return fields.stream().filter(f -> f.field().equals(field)).findFirst();
  }

  /** The live form as reports print it; null when absent. */
  public String beforeText() {
    return ChangeValue.render(before);
  }

  /** The declared form as reports print it; null when it is to be removed. */
  public String afterText() {
    return ChangeValue.render(after);
  }
}
