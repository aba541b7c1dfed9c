package io.netconverge.dualwan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What marks the connections: an nft table, or iptables/ip6tables mangle chains. */
public enum Backend {
  NFTABLES,
  IPTABLES;

  @JsonCreator
  public static Backend parse(String text) {
    for (Backend b : values()) {
      if (b.toString().equals(text)) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        "backend '" + text + "' is not known; expected nftables or iptables");
  }

  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
