package io.netconverge.core.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A file that cannot be used (exit code 65); nothing was run on any host. It holds every problem
 * found, file by file in the order the files were first named, by line within a file; the message
 * lists the first {@value #SHOWN} of them.
 */
public class InvalidSpecException extends Exception {

  private static final long serialVersionUID = 1L;

  /** How many problems the message lists; {@link #problems()} has them all. */
  public static final int SHOWN = 20;

  private final transient List<SpecProblem> problems;

  public InvalidSpecException(List<SpecProblem> problems) {
    this(sorted(problems), true);
  }

  private InvalidSpecException(List<SpecProblem> sorted, boolean unused) {
    super(message(sorted));
    this.problems = sorted;
  }

  public InvalidSpecException(SpecProblem problem) {
    this(List.of(problem));
  }

  /** Every problem, sorted: by file (in the order first named), then line and column. */
  public List<SpecProblem> problems() {
    return problems;
  }

  private static List<SpecProblem> sorted(List<SpecProblem> problems) {
    Map<String, List<SpecProblem>> bySource = new LinkedHashMap<>();
    for (SpecProblem p : problems) {
      if (!bySource.computeIfAbsent(p.source(), s -> new ArrayList<>()).contains(p)) {
        bySource.get(p.source()).add(p);
      }
    }
    List<SpecProblem> all = new ArrayList<>();
    for (List<SpecProblem> one : bySource.values()) {
      // Stable: problems of one line keep the order they were found in.
      one.sort(Comparator.comparingInt(SpecProblem::line).thenComparingInt(SpecProblem::column));
      all.addAll(one);
    }
    return List.copyOf(all);
  }

  private static String message(List<SpecProblem> problems) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(SHOWN, problems.size()); i++) {
      sb.append(i == 0 ? "" : "\n").append(problems.get(i));
    }
    if (problems.size() > SHOWN) {
      sb.append("\n... and ")
          .append(problems.size() - SHOWN)
          .append(" more problems (")
          .append(problems.size())
          .append(" in all)");
    }
    return sb.toString();
  }
}
