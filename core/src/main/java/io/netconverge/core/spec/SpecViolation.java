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

  public SpecViolation(String path, String message) {
    super(message);
    this.path = path;
    this.all = List.of(this);
  }

  private SpecViolation(List<SpecViolation> all) {
    super(all.get(0).getMessage());
    this.path = all.get(0).path();
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
}
