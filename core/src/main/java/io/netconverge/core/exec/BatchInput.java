package io.netconverge.core.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a batch tool fed on stdin ({@code ip -batch -}, iptables-restore, {@code nft -f -}) says it
 * stopped: the one reading of the three tools' ways of naming an input line.
 */
public final class BatchInput {

  /**
   * One input line a tool names in its stderr.
   *
   * @param line the input line, from 1
   * @param column nft's column in it, from 1; 0 when the tool names none
   * @param words what nft says on the same line after {@code Error:}; empty for the other tools,
   *     which say it on lines of their own
   */
  public record Stop(int line, int column, String words) {}

  private static final Pattern STOP =
      Pattern.compile(
          "Command failed -:(\\d+)"
              + "|Error occurred at line: (\\d+)"
              + "|^/dev/stdin:(\\d+):(\\d+)(?:-\\d+)?: Error: (.*)$");

  private BatchInput() {}

  /** The input line one line of a tool's stderr names, if it names one. */
  public static Optional<Stop> named(String stderrLine) {
    Matcher m = STOP.matcher(stderrLine);
    if (!m.find()) {
      return Optional.empty();
    }
    if (m.group(1) != null) {
      return Optional.of(new Stop(Integer.parseInt(m.group(1)), 0, ""));
    }
    if (m.group(2) != null) {
      return Optional.of(new Stop(Integer.parseInt(m.group(2)), 0, ""));
    }
    return Optional.of(
        new Stop(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), m.group(5)));
  }

  /** Every input line the tool's stderr names, in its order (nft names one per error). */
  public static List<Stop> stops(String stderr) {
    List<Stop> stops = new ArrayList<>();
    for (String line : stderr.split("\n")) {
      named(line).ifPresent(stops::add);
    }
    return stops;
  }

  /** The first input line the tool's stderr names: where it stopped. */
  public static Optional<Stop> stoppedAt(String stderr) {
    List<Stop> stops = stops(stderr);
    return stops.isEmpty() ? Optional.empty() : Optional.of(stops.get(0));
  }

  /** Line {@code number} (from 1) of {@code input} as it is; empty when the input has none. */
  public static Optional<String> line(String input, int number) {
    String[] lines = input.split("\n", -1);
    return number < 1 || number > lines.length ? Optional.empty() : Optional.of(lines[number - 1]);
  }
}
