package io.netconverge.core.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * Thrown by a spec's own checks, naming the field path; the loader turns it into a {@link
 * SpecProblem} with the line and column of that field.
 */
public class SpecViolation extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String path;
  private final transient List<SpecViolation> all;
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
    this.all = List.of(this);
  }

  private SpecViolation(List<SpecViolation> all) {
    super(all.get(0).getMessage());
    this.path = all.get(0).path();
    this.line = all.get(0).line();
    this.all = List.copyOf(all);
  }

  /**
   * Several independent problems found by one check (e.g. one per section of a file), so that a
   * user sees them all at once; the first stands for them in {@link #path()} and the message.
   */
  public static SpecViolation all(List<SpecViolation> violations) {
    List<SpecViolation> flat = new ArrayList<>();
    violations.forEach(v -> flat.addAll(v.violations()));
    if (flat.isEmpty()) {
      throw new IllegalArgumentException("no violations");
    }
    return flat.size() == 1 ? flat.get(0) : new SpecViolation(flat);
  }

  /** Every problem this stands for: itself alone, unless made by {@link #all}. */
  public List<SpecViolation> violations() {
    return all;
  }

  public String path() {
    return path;
  }

  /** The line within the field's text value, 1-based; 0 for the whole field. */
  public int line() {
    return line;
  }
}
