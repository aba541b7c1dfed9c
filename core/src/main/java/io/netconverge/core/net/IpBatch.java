package io.netconverge.core.net;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecResult;
import java.time.Duration;
import java.util.List;

/**
 * Writes rules and routes with one {@code ip -batch -} per family. Without {@code -force}, ip stops
 * at the first line the kernel rejects: nothing after it runs, and the runner restores what ran
 * before it. The error names that line ({@link io.netconverge.core.exec.BatchInput}).
 */
public final class IpBatch {

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
}
