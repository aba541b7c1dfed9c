package io.netconverge.core.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A packet or conntrack mark with its mask, both 32-bit. {@code 10}, {@code 0xa} and {@code
 * 0xa/0xffffffff} are the same mark; {@code 0xa/0xff} is another one.
 */
public record Mark(long value, long mask) {

  public static final long FULL = 0xffffffffL;

  public Mark {
    if (value < 0 || value > FULL) {
      throw new IllegalArgumentException("mark " + value + " is out of range 0..0xffffffff");
    }
    if (mask < 0 || mask > FULL) {
      throw new IllegalArgumentException("mask " + mask + " is out of range 0..0xffffffff");
    }
    if ((value & ~mask) != 0) {
      throw new IllegalArgumentException(
          "mark " + hex(value) + " has bits outside its mask " + hex(mask));
    }
  }

  public static Mark of(long value) {
    return new Mark(value, FULL);
  }

  /** Parses {@code 10}, {@code 0xa}, {@code 0xa/0xff}, {@code 10/255}. */
  @JsonCreator
  public static Mark parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    if (slash < 0) {
      return of(number(s, "mark"));
    }
    return new Mark(number(s.substring(0, slash), "mark"), number(s.substring(slash + 1), "mask"));
  }

  @JsonCreator
  public static Mark fromNumber(long value) {
    return of(value);
  }

  public static long number(String text, String what) {
    String s = text.strip();
    try {
      long n =
          s.startsWith("0x") || s.startsWith("0X")
              ? Long.parseLong(s.substring(2), 16)
              : Long.parseLong(s);
      if (n < 0 || n > FULL) {
        throw new IllegalArgumentException(what + " '" + text + "' is out of range 0..0xffffffff");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          what + " '" + text + "' is not a number (decimal or 0x hexadecimal)");
    }
  }

  public boolean fullMask() {
    return mask == FULL;
  }

  /** As {@code ip rule} and nft print it: {@code 0xa} or {@code 0xa/0xff}. */
  @JsonValue
  @Override
  public String toString() {
    return fullMask() ? hex(value) : hex(value) + "/" + hex(mask);
  }

  public static String hex(long n) {
    return "0x" + Long.toHexString(n);
  }
}
