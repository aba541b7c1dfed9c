package io.netconverge.iptables;

import java.util.Objects;

/**
 * Which chains netconverge made (those an owned jump points at) are removed once no longer
 * declared: every one for a file's {@code iptables} key, or only a profile's own (its name prefix)
 * when the profile alone brings the section in, to take away the marking of a backend it no longer
 * uses.
 *
 * @param prefix the name prefix of the chains swept; empty for every owned chain
 */
public record ChainSweep(String prefix) {

  /** Every owned chain that is not declared. */
  public static final ChainSweep ALL = new ChainSweep("");

  public ChainSweep {
    Objects.requireNonNull(prefix, "prefix");
  }

  /** Only owned chains whose name starts with {@code prefix}. */
  public static ChainSweep named(String prefix) {
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("a chain prefix is not empty");
    }
    return new ChainSweep(prefix);
  }

  public boolean covers(String chain) {
    return chain.startsWith(prefix);
  }

  /**
   * Only chains of this sweep may be touched, nothing is created: a host without iptables is fine.
   */
  public boolean partial() {
    return !prefix.isEmpty();
  }
}
