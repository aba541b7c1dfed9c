package io.netconverge.iptables;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which of the two tools a chain lives in: iptables (ipv4) or ip6tables (ipv6). */
public enum IpFamily {
  IPV4("iptables"),
  IPV6("ip6tables");

  private final String tool;

  IpFamily(String tool) {
    this.tool = tool;
  }

  /** The command's base name: {@code iptables} or {@code ip6tables}. */
  public String tool() {
    return tool;
  }

  @JsonCreator
  public static IpFamily parse(String text) {
    for (IpFamily f : values()) {
      if (f.toString().equals(text)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a family; expected one of " + names(values()));
  }

  static String names(Enum<?>[] values) {
    return Arrays.stream(values).map(Object::toString).collect(Collectors.joining(", "));
  }

  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
