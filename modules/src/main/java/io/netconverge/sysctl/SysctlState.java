package io.netconverge.sysctl;

import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sysctl values by key, in the order they were declared (the order they are written in). */
public record SysctlState(Map<SysctlKey, String> values) {

  public SysctlState {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** Values compared as the kernel prints them: runs of white space are one space. */
  public static String canonical(String value) {
    return value.strip().replaceAll("\\s+", " ");
  }

  // How the kernel prints an integer: decimal, no leading zero.
  private static final Pattern PRINTED = Pattern.compile("-?(?:0|[1-9][0-9]*)");
  // How the kernel reads one (base 0, as strtoul): 0x hex, a leading 0 octal, else decimal.
  private static final Pattern READ =
      Pattern.compile("(-?)(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))");

  /**
   * Whether a declared value is what the kernel shows as {@code printed}: the same text (white
   * space aside), or, where the kernel printed integers, the same integers however written ({@code
   * 0x40} and {@code 0100} are 64, as the kernel reads them when they are written).
   */
  public static boolean same(String declared, String printed) {
    String want = canonical(declared);
    String have = canonical(printed);
    if (want.equals(have)) {
      return true;
    }
    String[] wants = want.split(" ");
    String[] haves = have.split(" ");
    if (wants.length != haves.length) {
      return false;
    }
    for (int i = 0; i < wants.length; i++) {
      if (!PRINTED.matcher(haves[i]).matches()) {
        return false;
      }
      BigInteger read = asKernelReads(wants[i]);
      if (read == null || !read.equals(new BigInteger(haves[i]))) {
        return false;
      }
    }
    return true;
  }

  /** The integer the kernel reads from a word written to an integer sysctl, or null. */
  static BigInteger asKernelReads(String word) {
    Matcher m = READ.matcher(word);
    if (!m.matches()) {
      return null;
    }
    BigInteger value =
        m.group(2) != null
            ? new BigInteger(m.group(2), 16)
            : m.group(3) != null ? new BigInteger(m.group(3), 8) : new BigInteger(m.group(4));
    return m.group(1).equals("-") ? value.negate() : value;
  }
}
