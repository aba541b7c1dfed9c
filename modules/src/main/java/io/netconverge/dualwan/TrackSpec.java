package io.netconverge.dualwan;

import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.spec.SpecViolation;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Health tracking of one WAN, as the file writes it (mwan3's {@code track_ip}): every {@code
 * interval}, each target is pinged through the WAN only (bound to its interface, carrying its
 * mark); a round succeeds when at least {@code reliability} targets answered within the loss and
 * latency limits. {@code down} failed rounds in a row take the WAN out of the outbound default;
 * {@code up} good rounds in a row bring it back.
 *
 * <pre>
 * track: { targets: [192.0.2.53, 198.51.100.53], interval: 5s, down: 3, up: 3 }
 * </pre>
 *
 * @param targets addresses to ping, IPv4 or IPv6 literals
 * @param interval time between two rounds (e.g. {@code 1s}, {@code 500ms}); default 5s
 * @param timeout how long one ping waits for its answer; default 1s
 * @param count pings per target and round; default 1
 * @param reliability targets that must answer for a round to succeed; default 1
 * @param down failed rounds in a row that make the WAN down; default 3
 * @param up good rounds in a row that make it up again; default 3
 * @param maxLoss the highest packet loss of a target, in percent, that still counts as an answer;
 *     default 50
 * @param maxLatency the highest average round trip that still counts; absent: no limit
 */
public record TrackSpec(
    List<String> targets,
    String interval,
    String timeout,
    Integer count,
    Integer reliability,
    Integer down,
    Integer up,
    Integer maxLoss,
    String maxLatency) {

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})(ms|s|m)?");

  public TrackSpec {
    targets = targets == null ? List.of() : List.copyOf(targets);
  }

  public Duration intervalValue() {
    return interval == null ? Duration.ofSeconds(5) : duration(interval, "interval");
  }

  public Duration timeoutValue() {
    return timeout == null ? Duration.ofSeconds(1) : duration(timeout, "timeout");
  }

  public int countValue() {
    return count == null ? 1 : count;
  }

  public int reliabilityValue() {
    return reliability == null ? 1 : reliability;
  }

  public int downValue() {
    return down == null ? 3 : down;
  }

  public int upValue() {
    return up == null ? 3 : up;
  }

  public int maxLossValue() {
    return maxLoss == null ? 50 : maxLoss;
  }

  /** The latency limit, or null for none. */
  public Duration maxLatencyValue() {
    return maxLatency == null ? null : duration(maxLatency, "maxLatency");
  }

  void validate(String at) {
    if (targets.isEmpty()) {
      throw new SpecViolation(at, "missing required key 'targets': addresses to ping");
    }
    for (int i = 0; i < targets.size(); i++) {
      String t = targets.get(i);
      try {
        if (t == null || !IpPrefix.address(t).isHost()) {
          throw new IllegalArgumentException("'" + t + "' is not an address");
        }
      } catch (IllegalArgumentException e) {
        throw new SpecViolation(
            at + ".targets[" + i + "]", e.getMessage() + " (a target is an IP address literal)");
      }
    }
    check(at, "interval", interval, Duration.ofMillis(100), Duration.ofHours(1));
    check(at, "timeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(1));
    check(at, "maxLatency", maxLatency, Duration.ofMillis(1), Duration.ofMinutes(1));
    range(at, "count", count, 1, 100);
    range(at, "reliability", reliability, 1, targets.size());
    range(at, "down", down, 1, 1000);
    range(at, "up", up, 1, 1000);
    range(at, "maxLoss", maxLoss, 0, 100);
  }

  private static void check(String at, String key, String text, Duration min, Duration max) {
    if (text == null) {
      return;
    }
    Duration d;
    try {
      d = duration(text, key);
    } catch (IllegalArgumentException e) {
      throw new SpecViolation(at + "." + key, e.getMessage());
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw new SpecViolation(
          at + "." + key, key + " " + text + " is out of range " + show(min) + ".." + show(max));
    }
  }

  private static String show(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static void range(String at, String key, Integer value, int min, int max) {
    if (value != null && (value < min || value > max)) {
      throw new SpecViolation(
          at + "." + key, key + " " + value + " is out of range " + min + ".." + max);
    }
  }

  /** {@code 500ms}, {@code 5s}, {@code 2m}, or a bare number of seconds. */
  static Duration duration(String text, String key) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration for " + key + " (e.g. 500ms, 5s, 1m)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
