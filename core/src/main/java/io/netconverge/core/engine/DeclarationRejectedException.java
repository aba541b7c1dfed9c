package io.netconverge.core.engine;

import io.netconverge.core.exec.ExecException;
import io.netconverge.core.spec.SpecProblem;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The target's own tool rejected a declaration while reading (e.g. nft parsing a table definition
 * in a throw-away namespace): the file is invalid for this target, and nothing was changed. The
 * command maps it to exit 65 like any other invalid file.
 */
public class DeclarationRejectedException extends ExecException {

  private static final long serialVersionUID = 1L;

  private final transient List<SpecProblem> problems;

  public DeclarationRejectedException(List<SpecProblem> problems) {
    super(problems.stream().map(SpecProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<SpecProblem> problems() {
    return problems;
  }
}
