package io.netconverge.core.exec;

import java.util.List;

/**
 * A command that failed, could not start, or timed out; the message says what ran and what it said.
 */
public class ExecException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient ExecResult result;
  private final transient List<String> command;
  private final String ran;

  public ExecException(String message, ExecResult result, Throwable cause) {
    this(message, List.of(), result, cause);
  }

  /**
   * @param command the argv that failed, as the caller gave it (without an executor's prefix such
   *     as {@code ip netns exec NAME}); empty when no one command is to blame
   */
  public ExecException(String message, List<String> command, ExecResult result, Throwable cause) {
    super(message, cause);
    this.ran = message;
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
    String ran =
        "'" + command.display() + "' failed (exit " + result.exitCode() + ") on " + on.describe();
    return new ExecException(
        ran
            + (err.isEmpty() ? "" : ": " + err)
            + failedInputLine(command, err)
            + readOnlyProcSys(command, err),
        ran,
        command.argv(),
        result);
  }

  private ExecException(String message, String ran, List<String> command, ExecResult result) {
    super(message, null);
    this.ran = ran;
    this.command = List.copyOf(command);
    this.result = result;
  }

  /** The argv of the command that failed; empty when the failure is not one command's. */
  public List<String> command() {
    return command;
  }

  /**
   * What a sysctl refused for want of a writable /proc/sys needs: root, and in a container
   * /proc/sys unmasked and writable (Docker mounts it read-only). Empty for any other failure.
   */
  static String readOnlyProcSys(Command command, String stderr) {
    if (!command.argv().get(0).equals("sysctl")
        || !(stderr.contains("permission denied on key")
            || stderr.contains("Read-only file system"))) {
      return "";
    }
    return " (/proc/sys is not writable there: sysctls need root, and a container needs"
        + " --security-opt systempaths=unconfined)";
  }

  /** The line of stdin a batch tool says it stopped at, quoted; empty when it names none. */
  static String failedInputLine(Command command, String stderr) {
    if (command.stdin().isEmpty()) {
      return "";
    }
    return BatchInput.stoppedAt(stderr)
        .flatMap(
            at ->
                BatchInput.line(command.stdin(), at.line())
                    .map(line -> " (input line " + at.line() + ": '" + line.strip() + "')"))
        .orElse("");
  }

  /**
   * What ran, where, and how it ended, without what the command said: for a message that says the
   * tool's words already (a refusal located in the file). The whole message when the failure is not
   * a command's exit.
   */
  public String ran() {
    return ran;
  }

  /** The result of the command, when it ran to an exit code; null when it never did. */
  public ExecResult result() {
    return result;
  }
}
