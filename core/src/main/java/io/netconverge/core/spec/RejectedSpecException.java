package io.netconverge.core.spec;

import io.netconverge.core.exec.ExecException;

/**
 * A definition the target's own tool rejected while netconverge checked it (e.g. iptables-restore
 * in a throw-away network namespace): the file is invalid for that host (exit code 65), and nothing
 * on the host was touched. It is an {@link ExecException} so that modules throw it from {@code
 * read} like any other failure, and the runner tells it apart.
 */
public class RejectedSpecException extends ExecException {

  private static final long serialVersionUID = 1L;

  private final transient SpecProblem problem;

  public RejectedSpecException(SpecProblem problem) {
    super(problem.toString());
    this.problem = problem;
  }

  public SpecProblem problem() {
    return problem;
  }
}
