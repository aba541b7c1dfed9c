package io.netconverge.core.spec;

/**
 * Turns a field path of a loaded file into a located problem. Some definitions can only be checked
 * on the target, by its own tools (an iptables rule, an nft table): when the target rejects one,
 * the error still names the file, line and column the user wrote it at.
 */
@FunctionalInterface
public interface SpecLocator {

  /** For state that did not come from a file (e.g. a snapshot being restored): path only. */
  SpecLocator NONE =
      (path, lineOffset, message) -> new SpecProblem("(host state)", 0, 0, path, message);

  /**
   * @param path the field, e.g. {@code iptables[2].rules[1]}
   * @param lineOffset for a problem inside a block scalar (such as an nft definition), the 1-based
   *     line inside it; 0 for the field itself
   */
  SpecProblem problem(String path, int lineOffset, String message);

  default SpecProblem problem(String path, String message) {
    return problem(path, 0, message);
  }
}
