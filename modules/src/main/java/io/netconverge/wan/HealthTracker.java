package io.netconverge.wan;

import java.time.Instant;
import java.util.Optional;

/**
 * The health of one tracked WAN, from the outcome of each probe round: {@code down} failed rounds
 * in a row make it {@link Health#DOWN}, {@code up} good rounds in a row make it {@link Health#UP}
 * (mwan3's counting). It starts {@link Health#UNKNOWN}, which counts as usable, so a router that
 * boots keeps every WAN until one is proven dead.
 */
public final class HealthTracker {

  private final String wan;
  private final int down;
  private final int up;
  private Health health = Health.UNKNOWN;
  private int failures;
  private int successes;

  /** Whether this tracker counts {@code down} failed and {@code up} good rounds. */
  public boolean counts(int down, int up) {
    return this.down == down && this.up == up;
  }

  public HealthTracker(String wan, int down, int up) {
    if (down < 1 || up < 1) {
      throw new IllegalArgumentException("down and up are at least 1");
    }
    this.wan = wan;
    this.down = down;
    this.up = up;
  }

  public synchronized Health health() {
    return health;
  }

  /**
   * Counts one round.
   *
   * @param ok whether the round succeeded
   * @param detail what the round saw, for the transition's reason
   * @return the transition this round made, if any
   */
  public synchronized Optional<Transition> record(boolean ok, String detail, Instant at) {
    if (ok) {
      successes++;
      failures = 0;
      if (health != Health.UP && successes >= up) {
        return change(Health.UP, successes + " good rounds: " + detail, at);
      }
    } else {
      failures++;
      successes = 0;
      if (health != Health.DOWN && failures >= down) {
        return change(Health.DOWN, failures + " failed rounds: " + detail, at);
      }
    }
    return Optional.empty();
  }

  private Optional<Transition> change(Health to, String reason, Instant at) {
    Transition t = new Transition(wan, health, to, at, reason);
    health = to;
    return Optional.of(t);
  }
}
