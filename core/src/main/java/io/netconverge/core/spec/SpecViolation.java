package io.netconverge.core.spec;

/**
 * Thrown by a spec's own checks, naming the field path; the loader turns it into a {@link
 * SpecProblem} with the line and column of that field.
 */
public class SpecViolation extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String path;

  public SpecViolation(String path, String message) {
    super(message);
    this.path = path;
  }

  public String path() {
    return path;
  }
}
