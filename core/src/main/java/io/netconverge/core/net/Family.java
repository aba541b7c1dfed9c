package io.netconverge.core.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * An address family, as the file writes it: {@code ipv4} or {@code ipv6}. The one family type of
 * every module: it also names the family's option for {@code ip} and its iptables command.
 */
public enum Family {
  IPV4("-4", "iptables"),
  IPV6("-6", "ip6tables");

  private final String ipOption;
  private final String iptablesTool;

  Family(String ipOption, String iptablesTool) {
    this.ipOption = ipOption;
    this.iptablesTool = iptablesTool;
  }

  /** The iptables command's base name for this family: {@code iptables} or {@code ip6tables}. */
  public String iptablesTool() {
    return iptablesTool;
  }

  /** The {@code ip} option selecting this family. */
  public String ipOption() {
    return ipOption;
  }

  @JsonCreator
  public static Family of(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "ipv4", "inet", "4" -> IPV4;
      case "ipv6", "inet6", "6" -> IPV6;
      default ->
          throw new IllegalArgumentException(
              "family '" + text + "' is not known; expected ipv4 or ipv6");
    };
  }

  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
