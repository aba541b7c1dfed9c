package io.netconverge.wan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

  private static final Instant T = Instant.parse("2026-12-02T12:00:00Z");

  @Test
  void startsUnknownWhichIsUsable() {
    HealthTracker t = new HealthTracker("isp1", 2, 3);
    assertThat(t.health()).isEqualTo(Health.UNKNOWN);
    assertThat(t.health().usable()).isTrue();
  }

  @Test
  void downAfterDownFailedRoundsInARowAndNotBefore() {
    HealthTracker t = new HealthTracker("isp1", 3, 2);
    assertThat(t.record(false, "a", T)).isEmpty();
    assertThat(t.record(false, "a", T)).isEmpty();
    Optional<Transition> down = t.record(false, "192.0.2.1 no answer", T);
    assertThat(down)
        .hasValueSatisfying(
            d -> {
              assertThat(d.from()).isEqualTo(Health.UNKNOWN);
              assertThat(d.to()).isEqualTo(Health.DOWN);
              assertThat(d.at()).isEqualTo(T);
              assertThat(d.reason()).isEqualTo("3 failed rounds: 192.0.2.1 no answer");
            });
    assertThat(t.health().usable()).isFalse();
    // Still failing: no second transition.
    assertThat(t.record(false, "a", T)).isEmpty();
  }

  @Test
  void aGoodRoundResetsTheFailureCount() {
    HealthTracker t = new HealthTracker("isp1", 2, 5);
    t.record(false, "x", T);
    t.record(true, "x", T);
    assertThat(t.record(false, "x", T)).isEmpty();
    assertThat(t.health()).isEqualTo(Health.UNKNOWN);
  }

  @Test
  void upAgainOnlyAfterUpGoodRoundsInARow() {
    HealthTracker t = new HealthTracker("isp1", 1, 2);
    t.record(false, "x", T);
    assertThat(t.health()).isEqualTo(Health.DOWN);
    assertThat(t.record(true, "x", T)).isEmpty();
    t.record(false, "x", T);
    assertThat(t.record(true, "x", T)).isEmpty();
    assertThat(t.record(true, "x", T))
        .hasValueSatisfying(u -> assertThat(u.from()).isEqualTo(Health.DOWN));
    assertThat(t.health()).isEqualTo(Health.UP);
  }
}
