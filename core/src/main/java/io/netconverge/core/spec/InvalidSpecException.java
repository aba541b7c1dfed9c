package io.netconverge.core.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A file that cannot be used (exit code 65); nothing was run on any host. */
public class InvalidSpecException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<SpecProblem> problems;

  public InvalidSpecException(List<SpecProblem> problems) {
    super(problems.stream().map(SpecProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public InvalidSpecException(SpecProblem problem) {
    this(List.of(problem));
  }

  public List<SpecProblem> problems() {
    return problems;
  }
}
