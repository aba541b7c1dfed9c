package io.netconverge.dualwan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.netconverge.core.net.Mark;

/**
 * The bits of the packet and conntrack marks that the profile owns ({@code 0xff}). Other tools use
 * the other bits; the profile reads and writes only these.
 */
public record MarkMask(long value) {

  public MarkMask {
    if (value == 0) {
      throw new IllegalArgumentException("markMask 0 leaves no bit for the WAN marks");
    }
    if (value < 0 || value > Mark.FULL) {
      throw new IllegalArgumentException("markMask is out of range 0x1..0xffffffff");
    }
  }

  @JsonCreator
  public static MarkMask parse(String text) {
    return new MarkMask(Mark.number(text, "markMask"));
  }

  @JsonCreator
  public static MarkMask of(long value) {
    return new MarkMask(value);
  }

  /** The other bits, which every rule of the profile leaves as they are. */
  public long others() {
    return ~value & Mark.FULL;
  }

  @JsonValue
  @Override
  public String toString() {
    return Mark.hex(value);
  }
}
