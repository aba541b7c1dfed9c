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

  /**
   * How batch tools name the input line they stopped at: {@code ip -batch}, iptables-restore and
   * {@code nft -f -}.
   */
  private static final java.util.regex.Pattern INPUT_LINE =
      java.util.regex.Pattern.compile(
          "Command failed -:(\\d+)|Error occurred at line: (\\d+)|/dev/stdin:(\\d+):");

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
            + (err.isEmpty() ? "" : ": " + err)
            + failedInputLine(command, err),
        result,
        null);
  }

  /** The line of stdin a batch tool says it failed at, quoted; empty when it names none. */
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
