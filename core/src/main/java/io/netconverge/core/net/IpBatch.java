package io.netconverge.core.net;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes rules and routes with one {@code ip -batch -} per family. Without {@code -force}, ip stops
 * at the first line the kernel rejects: nothing after it runs, and the runner restores what ran
 * before it. The error names that line.
 */
public final class IpBatch {

  private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");

  /** Large tables take the kernel a while; a batch is one process, so allow it. */
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private IpBatch() {}

  /**
   * Whether a read failed only because the kernel has no IPv6 (booted with ipv6.disable=1): then
   * there is nothing of that family to own, and declaring any of it fails at apply with the
   * kernel's own message.
   */
  public static boolean familyMissing(Family family, ExecResult result) {
    return family == Family.IPV6
        && !result.ok()
        && result.stderr().contains("Address family not supported");
  }

  public static Command command(Family family, List<String> lines) {
    return Command.of("ip", family.ipOption(), "-batch", "-")
        .withStdin(String.join("\n", lines) + "\n")
        .withTimeout(TIMEOUT);
  }

  /**
   * A batch that goes on past a line the kernel rejects ({@code -force}): what a restore runs, so
   * that one route that cannot come back does not keep every later one away. The runner reads again
   * afterwards and names what differs.
   */
  public static Command forced(Family family, List<String> lines) {
    return Command.of("ip", "-force", family.ipOption(), "-batch", "-")
        .withStdin(String.join("\n", lines) + "\n")
        .withTimeout(TIMEOUT);
  }

  /** Runs the lines, if any, as one batch; throws naming the failed line. */
  public static void run(Executor executor, Family family, List<String> lines)
      throws ExecException {
    if (lines.isEmpty()) {
      return;
    }
    Command command = command(family, lines);
    ExecResult result = executor.run(command);
    if (result.ok()) {
      return;
    }
    String why = result.stderr().strip();
    Matcher m = FAILED_LINE.matcher(why);
    if (m.find()) {
      int n = Integer.parseInt(m.group(1));
      String reason = why.substring(0, m.start()).strip();
      String line = n >= 1 && n <= lines.size() ? lines.get(n - 1) : "?";
      throw new ExecException(
          "'ip "
              + family.ipOption()
              + " "
              + line
              + "' failed (line "
              + n
              + " of "
              + lines.size()
              + " in one 'ip "
              + family.ipOption()
              + " -batch -') on "
              + executor.describe()
              + ": "
              + reason.replace('\n', ' '),
          result,
          null);
    }
    throw ExecException.failed(executor, command, result);
  }
}
