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
  private final boolean aboutKey;

  public SpecViolation(String path, String message) {
    this(path, message, 0);
  }

  private SpecViolation(String path, String message, boolean aboutKey) {
    super(message);
    this.path = path;
    this.line = 0;
    this.aboutKey = aboutKey;
    this.all = List.of(this);
  }

  /**
   * A problem with a key itself (one no module reads, say), located at the key rather than at its
   * value.
   */
  public static SpecViolation atKey(String path, String message) {
    return new SpecViolation(path, message, true);
  }

  /**
   * @param line the line within the field's text value (1-based) that the problem is on, e.g. in an
   *     nft definition; 0 when it is about the field as a whole
   */
  public SpecViolation(String path, String message, int line) {
    super(message);
    this.path = path;
    this.line = line;
    this.aboutKey = false;
    this.all = List.of(this);
  }

  private SpecViolation(List<SpecViolation> all) {
    super(all.get(0).getMessage());
    this.path = all.get(0).path();
    this.line = all.get(0).line();
    this.aboutKey = all.get(0).aboutKey();
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

  /** Whether the problem is the key at {@link #path()}, not its value. */
  public boolean aboutKey() {
    return aboutKey;
  }

  /** The line within the field's text value, 1-based; 0 for the whole field. */
  public int line() {
    return line;
  }
}
