package io.netconverge.core.spec;

/**
 * Thrown by a spec's own checks, naming the field path; the loader turns it into a {@link
 * SpecProblem} with the line and column of that field.
 */
public class SpecViolation extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String path;
  private final int line;

  public SpecViolation(String path, String message) {
    this(path, message, 0);
  }

  /**
   * @param line the line within the field's text value (1-based) that the problem is on, e.g. in an
   *     nft definition; 0 when it is about the field as a whole
   */
  public SpecViolation(String path, String message, int line) {
    super(message);
    this.path = path;
    this.line = line;
  }

  public String path() {
    return path;
  }

  /** The line within the field's text value, 1-based; 0 for the whole field. */
  public int line() {
    return line;
  }
}
