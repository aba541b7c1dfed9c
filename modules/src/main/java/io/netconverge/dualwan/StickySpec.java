package io.netconverge.dualwan;

import io.netconverge.core.spec.SpecViolation;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a source on the WAN the balance chose for it: {@code sticky: {by: source, timeout: 600s}}.
 * A source's new connections follow its first one while it keeps opening connections; after {@code
 * timeout} without one, the balance chooses again.
 *
 * @param by what a source is: {@code source} (its address) is the one choice today
 * @param timeout how long a source stays after its last new connection: {@code 600s}, {@code 10m},
 *     {@code 1h} or seconds
 */
public record StickySpec(String by, String timeout) {

  /** The longest timeout: a day, beyond which a choice outlives any reason for it. */
  static final long MAX_SECONDS = 86400;

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*([smh]?)");

  void validate(String path) {
    if (by == null) {
      throw new SpecViolation(path, "missing required key 'by' (source)");
    }
    if (!by.equals("source")) {
      throw new SpecViolation(
          path + ".by", "'" + by + "' is not known; sticky is by source (the source address)");
    }
    if (timeout == null) {
      throw new SpecViolation(path, "missing required key 'timeout' (e.g. 600s)");
    }
    seconds(path);
  }

  /** The timeout in seconds; a valid spec. */
  long seconds() {
    return seconds("sticky");
  }

  private long seconds(String path) {
    Matcher m = DURATION.matcher(timeout.strip());
    if (!m.matches()) {
      throw new SpecViolation(
          path + ".timeout", "'" + timeout + "' is not a duration (e.g. 600s, 10m, 1h)");
    }
    long n = Long.parseLong(m.group(1));
    long seconds =
        switch (m.group(2)) {
          case "m" -> n * 60;
          case "h" -> n * 3600;
          default -> n;
        };
    if (seconds < 1 || seconds > MAX_SECONDS) {
      throw new SpecViolation(
          path + ".timeout", "timeout " + timeout + " is out of range 1s.." + MAX_SECONDS + "s");
    }
    return seconds;
  }
}
