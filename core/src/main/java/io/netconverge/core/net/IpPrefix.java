package io.netconverge.core.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An address with a prefix length, in the canonical form {@code ip} prints: IPv6 compressed as
 * inet_ntop does, the length left out for a single host, {@code default} for a zero-length prefix.
 * Only literals are accepted: a name is never resolved.
 *
 * @param family the address family
 * @param address the canonical address text
 * @param length the prefix length
 */
public record IpPrefix(Family family, String address, int length) {

  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  public IpPrefix {
    int max = family == Family.IPV4 ? 32 : 128;
    if (length < 0 || length > max) {
      throw new IllegalArgumentException(
          "prefix length " + length + " is out of range 0.." + max + " for " + family);
    }
  }

  /** {@code default} (also {@code all}, {@code 0.0.0.0/0}, {@code ::/0}) of the given family. */
  public static IpPrefix any(Family family) {
    return new IpPrefix(family, family == Family.IPV4 ? "0.0.0.0" : "::", 0);
  }

  /** True when the text is a family-less {@code default} or {@code all}. */
  public static boolean isAny(String text) {
    String s = text.strip();
    return s.equals("default") || s.equals("all") || s.equals("any");
  }

  /** Parses an address or prefix; host bits set beyond the length are an error. */
  public static IpPrefix parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = literal(addr, text);
    Family family = bytes.length == 4 ? Family.IPV4 : Family.IPV6;
    int length = bytes.length * 8;
    if (slash >= 0) {
      try {
        length = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
      }
      if (length < 0 || length > bytes.length * 8) {
        throw new IllegalArgumentException(
            "'" + text + "': prefix length must be 0.." + bytes.length * 8);
      }
    }
    for (int bit = length; bit < bytes.length * 8; bit++) {
      if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) {
        throw new IllegalArgumentException(
            "'" + text + "' has host bits set; did you mean " + masked(bytes, length) + "?");
      }
    }
    return new IpPrefix(family, format(bytes), length);
  }

  /** Parses a single address (no prefix length). */
  public static IpPrefix address(String text) {
    if (text.contains("/")) {
      throw new IllegalArgumentException("'" + text + "' must be a single address, not a prefix");
    }
    return parse(text);
  }

  /** The address of a prefix as {@code ip -j} prints a source or destination and its length. */
  public static IpPrefix of(String address, int length) {
    byte[] bytes = literal(address, address);
    return new IpPrefix(bytes.length == 4 ? Family.IPV4 : Family.IPV6, format(bytes), length);
  }

  /** Whether {@code other} (an address or a prefix) lies inside this prefix. */
  public boolean contains(IpPrefix other) {
    if (other.family != family || other.length < length) {
      return false;
    }
    byte[] a = literal(address, address);
    byte[] b = literal(other.address, other.address);
    for (int bit = 0; bit < length; bit++) {
      int mask = 0x80 >> (bit % 8);
      if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** The address (without the length) as a Java value; a literal, so never resolved. */
  public InetAddress inetAddress() {
    try {
      return InetAddress.getByAddress(literal(address, address));
    } catch (UnknownHostException e) {
      throw new IllegalStateException("not an address: " + address, e);
    }
  }

  public boolean isHost() {
    return length == (family == Family.IPV4 ? 32 : 128);
  }

  /** As {@code ip route} prints a destination. */
  @Override
  public String toString() {
    if (length == 0) {
      return "default";
    }
    return isHost() ? address : address + "/" + length;
  }

  /** As {@code ip rule} takes a selector ({@code all} for the zero-length prefix). */
  public String selector() {
    return length == 0 ? "all" : toString();
  }

  private static byte[] literal(String addr, String text) {
    // Most addresses are IPv4: read without a regex or InetAddress (at scale, 10,000 routes are
    // parsed from the file and again from `ip -j`); what this does not take goes the general way.
    byte[] dotted = dottedQuad(addr);
    if (dotted != null) {
      return dotted;
    }
    // Every IPv4 spelling taken is a dotted quad (above): what is left must be IPv6.
    boolean v6 = addr.contains(":") && IPV6.matcher(addr).matches();
    if (!v6) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }
    try {
      // A literal: getByName parses it and never asks a resolver.
      byte[] bytes = InetAddress.getByName(addr).getAddress();
      if (v6 && bytes.length == 4) {
        throw new IllegalArgumentException(
            "'" + text + "' is an IPv4-mapped IPv6 address; write the IPv4 address");
      }
      return bytes;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
    }
  }

  /**
   * The four bytes of a dotted-quad IPv4 address (decimal octets 0 to 255, no leading zeros), or
   * null when the text is anything else.
   */
  static byte[] dottedQuad(String s) {
    int n = s.length();
    if (n < 7 || n > 15) {
      return null;
    }
    byte[] bytes = new byte[4];
    int i = 0;
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (i >= n || s.charAt(i) != '.') {
          return null;
        }
        i++;
      }
      int start = i;
      int value = 0;
      while (i < n && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        value = value * 10 + (s.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || (digits > 1 && s.charAt(start) == '0') || value > 255) {
        return null;
      }
      bytes[part] = (byte) value;
    }
    return i == n ? bytes : null;
  }

  private static String masked(byte[] bytes, int length) {
    byte[] copy = bytes.clone();
    for (int bit = length; bit < copy.length * 8; bit++) {
      copy[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
    }
    return format(copy) + "/" + length;
  }

  /** inet_ntop: IPv6 with the longest run of two or more zero groups as {@code ::}. */
  static String format(byte[] bytes) {
    if (bytes.length == 4) {
      return (bytes[0] & 0xff)
          + "."
          + (bytes[1] & 0xff)
          + "."
          + (bytes[2] & 0xff)
          + "."
          + (bytes[3] & 0xff);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (bestLen < 2) {
      bestStart = -1;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }
}
