package io.netconverge.wan;

import io.netconverge.core.engine.ConvergeEvent;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.Executor;
import io.netconverge.dualwan.TrackSpec;
import io.netconverge.dualwan.WanSpec;
import io.netconverge.trust.ConfirmCheck;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAN half of "healthy" for {@code confirmWhenHealthy}: after the apply, each tracked WAN that
 * was usable before it is probed through the target ({@link Probe#run}: bound to its interface,
 * carrying its mark, so only that WAN can carry the probe), round after round, until it passes a
 * round or has failed as many rounds in a row as its {@code down} says, all before a deadline well
 * inside the confirm timeout. The apply is confirmed only when every one of them passed.
 *
 * <p>Not probed: WANs without {@code track:} (nothing to probe; the check cannot say anything about
 * them), WANs whose parts were pending (interface missing or down, no gateway yet) and WANs a
 * running {@code converge watch} had tracked down: none of those was usable before the apply
 * either, so an apply cannot be blamed for them.
 *
 * @param probing the WANs to probe, in the file's order
 * @param notProbed the other WANs of the profile, by name, with why they are not probed
 */
public record WanCheck(List<WanSpec> probing, Map<String, String> notProbed)
    implements ConfirmCheck {

  private static final Logger LOG = LoggerFactory.getLogger(WanCheck.class);

  /** How the rounds wait between each other; tests replace it. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /**
   * @param verdicts one per probed WAN, in order
   */
  public record Outcome(List<ConvergeEvent.WanChecked> verdicts) {

    public Outcome {
      verdicts = List.copyOf(verdicts);
    }

    /** The first WAN that did not pass, if any. */
    public Optional<ConvergeEvent.WanChecked> firstFailed() {
      return verdicts.stream().filter(v -> !v.passed()).findFirst();
    }
  }

  public WanCheck {
    probing = List.copyOf(probing);
    notProbed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(notProbed));
  }

  /**
   * The check for a profile's WANs as the converge found them.
   *
   * @param wans the profile's WANs, as the file declares them
   * @param found each WAN as found before the apply, by name (link, pending parts, health)
   */
  public static WanCheck of(List<WanSpec> wans, List<WanStatus> found) {
    Map<String, WanStatus> byName = new LinkedHashMap<>();
    found.forEach(s -> byName.put(s.name(), s));
    List<WanSpec> probing = new ArrayList<>();
    Map<String, String> notProbed = new LinkedHashMap<>();
    for (WanSpec wan : wans) {
      WanStatus status = byName.get(wan.name());
      if (wan.track() == null) {
        notProbed.put(wan.name(), "untracked, nothing to probe");
      } else if (status != null && !status.pending().isEmpty()) {
        notProbed.put(wan.name(), "pending: " + status.pending().get(0).reason());
      } else if (status != null && status.health() == Health.DOWN) {
        notProbed.put(wan.name(), "tracked down before the apply");
      } else {
        probing.add(wan);
      }
    }
    return new WanCheck(probing, notProbed);
  }

  /**
   * Probes the WANs through the target's executor (see {@link #run}); empty when every probed WAN
   * passed, else which WAN failed and what its last round saw.
   */
  @Override
  public Optional<String> problem(Target target, Instant deadline, Progress progress) {
    return problem(target, deadline, progress, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
  }

  Optional<String> problem(
      Target target, Instant deadline, Progress progress, Clock clock, Sleeper sleeper) {
    if (probing.isEmpty() && notProbed.isEmpty()) {
      return Optional.empty();
    }
    progress.on(checking(target.name()));
    Outcome outcome = run(target.name(), target.executor(), deadline, progress, clock, sleeper);
    return outcome
        .firstFailed()
        .map(
            v ->
                "WAN "
                    + v.wan()
                    + " failed its probes ("
                    + v.rounds()
                    + (v.rounds() == 1 ? " round: " : " rounds: ")
                    + v.detail()
                    + ")");
  }

  /** The event that says what is about to be probed. */
  ConvergeEvent.CheckingWans checking(String host) {
    List<String> others = new ArrayList<>();
    notProbed.forEach((name, why) -> others.add(name + " (" + why + ")"));
    return new ConvergeEvent.CheckingWans(
        host, probing.stream().map(WanSpec::name).toList(), others);
  }

  /**
   * Probes every WAN of {@link #probing} through {@code executor}, the WANs taking turns round by
   * round, and tells each verdict as it is known. A WAN still without a verdict when the next round
   * could not end before {@code deadline} fails ("no verdict before the deadline").
   */
  Outcome run(
      String host,
      Executor executor,
      Instant deadline,
      Progress progress,
      Clock clock,
      Sleeper sleeper) {
    Map<String, ConvergeEvent.WanChecked> verdicts = new LinkedHashMap<>();
    Map<String, Integer> rounds = new LinkedHashMap<>();
    Map<String, String> last = new LinkedHashMap<>();
    // Rounds spaced by the WANs' interval, closer when down rounds at that pace would not fit.
    Duration budget = Duration.between(clock.instant(), deadline);
    Duration spacing = Duration.ofSeconds(1);
    for (WanSpec wan : probing) {
      Duration fit = budget.dividedBy(wan.track().downValue() + 1L);
      Duration each = max(Duration.ZERO, min(wan.track().intervalValue(), fit));
      spacing = wan == probing.get(0) ? each : min(spacing, each);
    }
    while (verdicts.size() < probing.size()) {
      for (WanSpec wan : probing) {
        String name = wan.name();
        if (verdicts.containsKey(name)) {
          continue;
        }
        int n = rounds.getOrDefault(name, 0);
        if (clock.instant().plus(roundTime(wan.track())).isAfter(deadline)) {
          verdicts.put(
              name,
              tell(
                  progress,
                  new ConvergeEvent.WanChecked(
                      host,
                      name,
                      false,
                      n,
                      "no verdict before "
                          + deadline
                          + (last.containsKey(name) ? "; last round: " + last.get(name) : ""))));
          continue;
        }
        Probe.Round round = Probe.run(executor, wan);
        LOG.debug(
            "{}: confirm probe of {}, round {}: {} ({})",
            host,
            name,
            n + 1,
            round.ok() ? "ok" : "failed",
            round.detail());
        rounds.put(name, n + 1);
        last.put(name, round.detail());
        if (round.ok()) {
          verdicts.put(
              name,
              tell(
                  progress, new ConvergeEvent.WanChecked(host, name, true, n + 1, round.detail())));
        } else {
          // A WAN stops at its first good round: all its rounds so far failed.
          if (n + 1 >= wan.track().downValue()) {
            verdicts.put(
                name,
                tell(
                    progress,
                    new ConvergeEvent.WanChecked(host, name, false, n + 1, round.detail())));
          }
        }
      }
      if (verdicts.size() < probing.size()) {
        try {
          sleeper.sleep(spacing);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          for (WanSpec wan : probing) {
            verdicts.computeIfAbsent(
                wan.name(),
                name ->
                    tell(
                        progress,
                        new ConvergeEvent.WanChecked(
                            host,
                            name,
                            false,
                            rounds.getOrDefault(name, 0),
                            "interrupted before a verdict")));
          }
        }
      }
    }
    List<ConvergeEvent.WanChecked> ordered = new ArrayList<>();
    probing.forEach(w -> ordered.add(verdicts.get(w.name())));
    return new Outcome(ordered);
  }

  /** About how long a failing round of {@code track} takes: each target's pings, then its wait. */
  static Duration roundTime(TrackSpec track) {
    Duration perTarget =
        track.timeoutValue().plus(Duration.ofMillis(200L * (track.countValue() - 1)));
    return perTarget.multipliedBy(track.targets().size());
  }

  private static ConvergeEvent.WanChecked tell(Progress progress, ConvergeEvent.WanChecked event) {
    progress.on(event);
    return event;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
