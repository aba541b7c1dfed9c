package io.netconverge.core.exec;

/**
 * A command that failed, could not start, or timed out; the message says what ran and what it said.
 */
public class ExecException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient ExecResult result;

  public ExecException(String message, ExecResult result, Throwable cause) {
    super(message, cause);
    this.result = result;
  }

  public ExecException(String message) {
    this(message, null, null);
  }

  public static ExecException failed(Executor on, Command command, ExecResult result) {
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
        result,
        null);
  }

  /** The result of the command, when it ran to an exit code; null when it never did. */
  public ExecResult result() {
    return result;
  }
}
