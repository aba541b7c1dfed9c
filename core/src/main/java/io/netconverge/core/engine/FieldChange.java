package io.netconverge.core.engine;

/**
 * One difference inside a resource: a field, a rule or a route that is added (before null), removed
 * (after null) or changed.
 */
public record FieldChange(String field, String before, String after) {

  public static FieldChange added(String field, String after) {
    return new FieldChange(field, null, after);
  }

  public static FieldChange removed(String field, String before) {
    return new FieldChange(field, before, null);
  }
}
