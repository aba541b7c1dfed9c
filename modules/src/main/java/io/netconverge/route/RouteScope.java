package io.netconverge.route;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** IPv4 route scopes, with the kernel's numbers. */
public enum RouteScope {
  GLOBAL(0),
  LINK(253),
  HOST(254);

  private final int number;

  RouteScope(int number) {
    this.number = number;
  }

  public int number() {
    return number;
  }

  public static RouteScope ofNumber(int number) {
    for (RouteScope s : values()) {
      if (s.number == number) {
        return s;
      }
    }
    throw new IllegalArgumentException("route scope " + number + " is not one netconverge manages");
  }

  @JsonCreator
  public static RouteScope of(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    if (s.equals("universe")) {
      return GLOBAL;
    }
    for (RouteScope scope : values()) {
      if (scope.toString().equals(s)) {
        return scope;
      }
    }
    throw new IllegalArgumentException(
        "route scope '" + text + "' is not known; expected global, link or host");
  }

  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
