package io.netconverge.route;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** An address family, as the file writes it: {@code ipv4} or {@code ipv6}. */
public enum Family {
  IPV4("-4"),
  IPV6("-6");

  private final String ipOption;

  Family(String ipOption) {
    this.ipOption = ipOption;
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
