package io.netconverge.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** apply's options for a host that carries the way in: confirm-or-revert and rolling out. */
final class TrustOptions {

  @Option(
      names = "--confirm-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "Before the first change, start a reverter on the target that restores the state read"
              + " before apply after DURATION (e.g. 60s, 2m) unless `converge confirm` runs first;"
              + " it survives the ssh session and this command dying.")
  Duration confirmTimeout;

  @Option(
      names = "--confirm-when-healthy",
      description =
          "With --confirm-timeout: confirm by itself when a command through a new connection to"
              + " the host still runs after apply and every tracked WAN (dualWan track) that was"
              + " usable before passes its probe through the host.")
  boolean confirmWhenHealthy;

  @Option(
      names = "--serial",
      paramLabel = "N",
      description =
          "Inventory: apply to N hosts at a time (each batch confirmed when healthy with"
              + " --confirm-timeout) before the next N.")
  Integer serial;

  @Option(
      names = "--max-fail-percent",
      paramLabel = "P",
      description =
          "With --serial: stop when more than P %% of a batch failed (default 0: any failure);"
              + " the hosts not reached are reported as not run.")
  Integer maxFailPercent;

  /** A usage problem, or null. */
  String problem(boolean inventory) {
    if (confirmWhenHealthy && confirmTimeout == null) {
      return "--confirm-when-healthy needs --confirm-timeout";
    }
    if (serial != null && serial < 1) {
      return "--serial must be at least 1";
    }
    if (maxFailPercent != null && (maxFailPercent < 0 || maxFailPercent > 100)) {
      return "--max-fail-percent must be 0..100";
    }
    if (maxFailPercent != null && serial == null) {
      return "--max-fail-percent needs --serial";
    }
    if (serial != null && !inventory) {
      return "--serial rolls out the hosts of an inventory; this file is a HostState";
    }
    return null;
  }

  int maxFailPercentOrDefault() {
    return maxFailPercent == null ? 0 : maxFailPercent;
  }

  /**
   * With {@code --persist} and {@link #confirmTimeout}: the file is saved for boot only once the
   * apply stands (at the confirm); set by apply, not an option.
   */
  PersistedState persistOnConfirm;

  /** The library's settings for these options (after {@link #problem} found none). */
  io.netconverge.Converger.Builder applyTo(io.netconverge.Converger.Builder builder) {
    if (persistOnConfirm != null) {
      throw new IllegalStateException("a persist at the confirm needs the applied text");
    }
    return applyTo(builder, null);
  }

  /**
   * The library's settings for these options (after {@link #problem} found none).
   *
   * @param applied the file's text as it is applied, for a persist at the confirm
   */
  io.netconverge.Converger.Builder applyTo(
      io.netconverge.Converger.Builder builder, String applied) {
    if (confirmTimeout != null) {
      builder.confirmTimeout(confirmTimeout);
      if (confirmWhenHealthy) {
        builder.confirmWhenHealthy();
      }
      if (persistOnConfirm != null) {
        builder.persistOnConfirm(persistOnConfirm.onConfirm(applied));
      }
    }
    if (serial != null) {
      builder.serial(serial);
      if (maxFailPercent != null) {
        builder.maxFailPercent(maxFailPercent);
      }
    }
    return builder;
  }

  /** 60s, 2m, 1h, 500ms, or a bare number of seconds. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
      Matcher m = FORM.matcher(value.strip().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration (e.g. 60s, 2m, 1h)");
      }
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      Duration d =
          switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
          };
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new CommandLine.TypeConversionException("'" + value + "' is shorter than 1s");
      }
      return d;
    }
  }
}
