package io.netconverge.core.spec;

/**
 * A spec's constructor refuses the value of one of its fields. It is an {@link
 * IllegalArgumentException} like any other refusal (builders and callers catch it as such), and
 * names the field so that the loader points at it ({@code routes[1].to}) rather than at the whole
 * entry.
 */
public class InvalidFieldException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the field's name in the file, relative to the object being made (e.g. {@code to})
   * @param message what is wrong, in the file's terms
   */
  public InvalidFieldException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
