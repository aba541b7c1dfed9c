package io.netconverge.iprule;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a rule does instead of looking up a table, with the kernel's FR_ACT numbers ({@code ip -N}
 * prints those).
 */
public enum RuleAction {
  BLACKHOLE(6),
  UNREACHABLE(7),
  PROHIBIT(8);

  private final int number;

  RuleAction(int number) {
    this.number = number;
  }

  public int number() {
    return number;
  }

  @JsonCreator
  public static RuleAction of(String text) {
    for (RuleAction a : values()) {
      if (a.toString().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "rule type '" + text + "' is not known; expected blackhole, unreachable or prohibit");
  }

  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
