package io.netconverge.dualwan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.netconverge.core.net.Family;

/**
 * A WAN's {@code masquerade}: {@code true} rewrites the source of connections leaving through the
 * WAN to its own address in every family it carries, {@code ipv4} or {@code ipv6} in that family
 * only (e.g. IPv4 behind NAT while a delegated IPv6 prefix is routed as it is), {@code false} not
 * at all.
 *
 * @param on whether to masquerade at all
 * @param only the one family to masquerade; null means every family of the WAN
 */
public record Masquerade(boolean on, Families only) {

  @JsonCreator
  public static Masquerade of(boolean on) {
    return new Masquerade(on, null);
  }

  @JsonCreator
  public static Masquerade parse(String text) {
    return switch (text.strip()) {
      case "true" -> new Masquerade(true, null);
      case "false" -> new Masquerade(false, null);
      case "ipv4" -> new Masquerade(true, Families.IPV4);
      case "ipv6" -> new Masquerade(true, Families.IPV6);
      case "both" -> new Masquerade(true, Families.BOTH);
      default ->
          throw new IllegalArgumentException(
              "masquerade '" + text + "' is not known; expected true, false, ipv4, ipv6 or both");
    };
  }

  /** Whether connections of {@code family} leaving a WAN that carries {@code wan} are rewritten. */
  public boolean covers(Family family, Families wan) {
    return on && wan.has(family) && (only == null || only.has(family));
  }

  @JsonValue
  @Override
  public String toString() {
    return !on ? "false" : only == null ? "true" : only.toString();
  }
}
