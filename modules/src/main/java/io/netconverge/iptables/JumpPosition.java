package io.netconverge.iptables;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where the owned jump rule sits in its built-in chain. {@code first}: before every rule that is
 * not a netconverge jump; {@code last}: after every one. Several owned jumps in one position keep
 * the order in which they are declared.
 */
public enum JumpPosition {
  FIRST,
  LAST;

  @JsonCreator
  public static JumpPosition parse(String text) {
    for (JumpPosition p : values()) {
      if (p.toString().equals(text)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a position; expected one of " + EnumNames.of(values()));
  }

  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
