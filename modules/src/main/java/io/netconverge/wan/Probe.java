package io.netconverge.wan;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.dualwan.TrackSpec;
import io.netconverge.dualwan.WanSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One probe round of a WAN: each target is pinged through that WAN only. {@code ping -I IF} binds
 * the socket to the interface (SO_BINDTODEVICE), so a route through another WAN can never carry it,
 * and {@code -m MARK} gives it the WAN's mark, so the WAN's own table routes it even when the main
 * table's default points elsewhere.
 */
public final class Probe {

  private static final Pattern RECEIVED = Pattern.compile("(\\d+) packets transmitted, (\\d+)");
  private static final Pattern RTT = Pattern.compile("= [0-9.]+/([0-9.]+)/");

  /** What one target answered. */
  public record Answer(String target, int sent, int received, Double averageMillis) {

    public int lossPercent() {
      return sent == 0 ? 100 : (int) Math.round(100.0 * (sent - received) / sent);
    }
  }

  /** A round: its outcome and a line for logs. */
  public record Round(boolean ok, String detail) {}

  private Probe() {}

  /** The exact ping of one target. */
  public static Command command(WanSpec wan, TrackSpec track, String target) {
    Duration timeout = track.timeoutValue();
    List<String> argv = new ArrayList<>();
    argv.addAll(
        List.of(
            "ping",
            "-n",
            "-q",
            "-I",
            wan.itf().name(),
            "-m",
            Long.toString(wan.mark().value()),
            "-c",
            Integer.toString(track.countValue()),
            "-i",
            "0.2",
            "-W",
            String.format(Locale.ROOT, "%.3f", timeout.toMillis() / 1000.0),
            target));
    // Every ping of the round plus its wait, with room for a loaded machine.
    Duration limit = timeout.multipliedBy(track.countValue() + 1).plusSeconds(2);
    return Command.of(argv).withTimeout(limit);
  }

  /** Parses ping's summary; a ping that printed none (no route, no device) received nothing. */
  public static Answer parse(String target, int count, String output) {
    Matcher m = RECEIVED.matcher(output);
    if (!m.find()) {
      return new Answer(target, count, 0, null);
    }
    Matcher rtt = RTT.matcher(output);
    Double average = rtt.find() ? Double.parseDouble(rtt.group(1)) : null;
    return new Answer(target, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), average);
  }

  /** Whether an answer counts, under the loss and latency limits. */
  public static boolean good(Answer a, TrackSpec track) {
    if (a.received() == 0 || a.lossPercent() > track.maxLossValue()) {
      return false;
    }
    Duration limit = track.maxLatencyValue();
    return limit == null || (a.averageMillis() != null && a.averageMillis() <= limit.toMillis());
  }

  /** Pings every target of the WAN, one after the other. */
  public static Round run(Executor executor, WanSpec wan) {
    TrackSpec track = wan.track();
    int good = 0;
    List<String> seen = new ArrayList<>();
    for (String target : track.targets()) {
      Answer a;
      try {
        ExecResult r = executor.run(command(wan, track, target));
        a = parse(target, track.countValue(), r.stdout() + r.stderr());
      } catch (ExecException e) {
        a = new Answer(target, track.countValue(), 0, null);
      }
      boolean ok = good(a, track);
      if (ok) {
        good++;
      }
      seen.add(
          target
              + (a.received() == 0
                  ? " no answer"
                  : " loss "
                      + a.lossPercent()
                      + "%"
                      + (a.averageMillis() == null ? "" : " rtt " + a.averageMillis() + "ms")));
    }
    return new Round(good >= track.reliabilityValue(), String.join(", ", seen));
  }
}
