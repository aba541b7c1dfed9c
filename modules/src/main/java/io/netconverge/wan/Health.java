package io.netconverge.wan;

/** What health tracking says of a WAN. */
public enum Health {
  /** The WAN has no {@code track:}: it counts as healthy while its link is up. */
  UNTRACKED,
  /** Tracked, but not enough rounds yet to say. It counts as healthy until proven down. */
  UNKNOWN,
  UP,
  DOWN;

  /** Whether a WAN with this health belongs in the outbound default (its link permitting). */
  public boolean usable() {
    return this != DOWN;
  }
}
