package io.netconverge.core.exec;

import java.util.List;

/**
 * A command that failed, could not start, or timed out; the message says what ran and what it said.
 */
public class ExecException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient ExecResult result;
  private final transient List<String> command;

  public ExecException(String message, ExecResult result, Throwable cause) {
    this(message, List.of(), result, cause);
  }

  /**
   * @param command the argv that failed, as the caller gave it (without an executor's prefix such
   *     as {@code ip netns exec NAME}); empty when no one command is to blame
   */
  public ExecException(String message, List<String> command, ExecResult result, Throwable cause) {
    super(message, cause);
    this.command = List.copyOf(command);
    this.result = result;
  }

  public ExecException(String message) {
    this(message, null, null);
  }

  public static ExecException failed(Executor on, Command command, ExecResult result) {
    java.util.Optional<String> missing = MissingTool.in(result.exitCode(), result.stderr());
    if (missing.isPresent()) {
      return new ExecException(
          MissingTool.sentence(missing.get(), on.describe())
              + " ('"
              + command.display()
              + "' failed with exit "
              + result.exitCode()
              + ")",
          command.argv(),
          result,
          null);
    }
    String err = result.stderr().strip();
    if (err.isEmpty()) {
      err = result.stdout().strip();
    }
    return new ExecException(
        "'"
            + command.display()
            + "' failed (exit "
            + result.exitCode()
            + ") on "
            + on.describe()
            + (err.isEmpty() ? "" : ": " + err),
        command.argv(),
        result,
        null);
  }

  /** The argv of the command that failed; empty when the failure is not one command's. */
  public List<String> command() {
    return command;
  }

  /** The result of the command, when it ran to an exit code; null when it never did. */
  public ExecResult result() {
    return result;
  }
}
