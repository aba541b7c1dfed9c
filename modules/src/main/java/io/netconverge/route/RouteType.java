package io.netconverge.route;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Route types a file may declare, with the kernel's numbers ({@code ip -N} prints those). */
public enum RouteType {
  UNICAST(1),
  BLACKHOLE(6),
  UNREACHABLE(7),
  PROHIBIT(8);

  private final int number;

  RouteType(int number) {
    this.number = number;
  }

  public int number() {
    return number;
  }

  /** The type with this kernel number, or null for types no file declares (local, throw...). */
  public static RouteType ofNumber(int number) {
    for (RouteType t : values()) {
      if (t.number == number) {
        return t;
      }
    }
    return null;
  }

  @JsonCreator
  public static RouteType of(String text) {
    for (RouteType t : values()) {
      if (t.toString().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "route type '"
            + text
            + "' is not known; expected unicast, blackhole, unreachable or prohibit");
  }

  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
