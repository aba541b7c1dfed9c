package io.netconverge.wan;

import java.time.Instant;

/**
 * A WAN's health changed.
 *
 * @param wan the WAN's name
 * @param from the health before
 * @param to the health after
 * @param at when the round that decided it ended
 * @param reason what the deciding rounds saw, e.g. {@code 2 failed rounds: 192.0.2.53 no answer}
 */
public record Transition(String wan, Health from, Health to, Instant at, String reason) {

  @Override
  public String toString() {
    return at
        + " "
        + wan
        + " "
        + from.name().toLowerCase()
        + " -> "
        + to.name().toLowerCase()
        + " ("
        + reason
        + ")";
  }
}
