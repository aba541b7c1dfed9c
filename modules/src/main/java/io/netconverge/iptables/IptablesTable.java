package io.netconverge.iptables;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/** The tables a host state may declare chains in, with the built-in chains of each. */
public enum IptablesTable {
  FILTER(List.of("INPUT", "FORWARD", "OUTPUT")),
  MANGLE(List.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING")),
  NAT(List.of("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING")),
  RAW(List.of("PREROUTING", "OUTPUT"));

  private final List<String> builtins;

  IptablesTable(List<String> builtins) {
    this.builtins = builtins;
  }

  /** The built-in chains of this table, in the order iptables-save prints them. */
  public List<String> builtins() {
    return builtins;
  }

  public boolean isBuiltin(String chain) {
    return builtins.contains(chain);
  }

  @JsonCreator
  public static IptablesTable parse(String text) {
    for (IptablesTable t : values()) {
      if (t.toString().equals(text)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "'"
            + text
            + "' is not a table netconverge manages; expected one of "
            + EnumNames.of(values()));
  }

  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
