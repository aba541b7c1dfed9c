package io.netconverge.dualwan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.netconverge.core.net.Family;
import java.util.List;
import java.util.Locale;

/** Which address families the profile routes by WAN. */
public enum Families {
  IPV4(List.of(Family.IPV4)),
  IPV6(List.of(Family.IPV6)),
  BOTH(List.of(Family.IPV4, Family.IPV6));

  private final List<Family> members;

  Families(List<Family> members) {
    this.members = members;
  }

  public List<Family> members() {
    return members;
  }

  public boolean has(Family family) {
    return members.contains(family);
  }

  @JsonCreator
  public static Families parse(String text) {
    for (Families f : values()) {
      if (f.toString().equals(text)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "families '" + text + "' is not known; expected ipv4, ipv6 or both");
  }

  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
