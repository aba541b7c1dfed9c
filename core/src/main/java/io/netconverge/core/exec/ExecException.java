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

  /**
   * How batch tools name the input line they stopped at: {@code ip -batch}, iptables-restore and
   * {@code nft -f -}.
   */
  private static final java.util.regex.Pattern INPUT_LINE =
      java.util.regex.Pattern.compile(
          "Command failed -:(\\d+)|Error occurred at line: (\\d+)|/dev/stdin:(\\d+):");

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
            + (err.isEmpty() ? "" : ": " + err)
            + failedInputLine(command, err)
            + readOnlyProcSys(command, err),
        command.argv(),
        result,
        null);
  }

  /** The argv of the command that failed; empty when the failure is not one command's. */
  public List<String> command() {
    return command;
  }

  /** The line of stdin a batch tool says it failed at, quoted; empty when it names none. */
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

  static String failedInputLine(Command command, String stderr) {
    if (command.stdin().isEmpty()) {
      return "";
    }
    java.util.regex.Matcher m = INPUT_LINE.matcher(stderr);
    if (!m.find()) {
      return "";
    }
    String number = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
    int n = Integer.parseInt(number);
    String[] lines = command.stdin().split("\n", -1);
    if (n < 1 || n > lines.length) {
      return "";
    }
    return " (input line " + n + ": '" + lines[n - 1].strip() + "')";
  }

  /** The result of the command, when it ran to an exit code; null when it never did. */
  public ExecResult result() {
    return result;
  }
}
