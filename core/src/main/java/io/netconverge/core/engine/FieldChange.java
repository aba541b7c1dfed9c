package io.netconverge.core.engine;

import java.util.Optional;

/**
 * One difference inside a resource: a field, a rule or a route that is added (before null), removed
 * (after null) or changed. Fields with a type of their own (a gateway, a metric, a sysctl value)
 * carry it; rules and listings are text.
 */
public record FieldChange(String field, ChangeValue before, ChangeValue after) {

  /** A difference in text: rule lines, listings. */
  public FieldChange(String field, String before, String after) {
    this(field, ChangeValue.text(before), ChangeValue.text(after));
  }

  public static FieldChange added(String field, String after) {
    return new FieldChange(field, null, ChangeValue.text(after));
  }

  public static FieldChange removed(String field, String before) {
    return new FieldChange(field, ChangeValue.text(before), null);
  }

  public static FieldChange added(String field, ChangeValue after) {
    return new FieldChange(field, null, after);
  }

  public static FieldChange removed(String field, ChangeValue before) {
    return new FieldChange(field, before, null);
  }

  /** The live value as a {@code type} (e.g. an IpPrefix for a gateway), when it is one. */
  public <T> Optional<T> before(Class<T> type) {
    return before == null ? Optional.empty() : before.as(type);
  }

  /** The declared value as a {@code type}, when it is one. */
  public <T> Optional<T> after(Class<T> type) {
    return after == null ? Optional.empty() : after.as(type);
  }

  /** The live value as reports print it; null when added. */
  public String beforeText() {
    return ChangeValue.render(before);
  }

  /** The declared value as reports print it; null when removed. */
  public String afterText() {
    return ChangeValue.render(after);
  }
}
