package io.netconverge.dualwan;

/**
 * A TCP/UDP port or an inclusive range of them, as a file writes it: {@code 443} or {@code
 * 6000-6010}.
 *
 * @param first the first port
 * @param last the last port; equal to {@code first} for a single port
 */
record PortRange(int first, int last) {

  PortRange {
    if (first < 1 || last > 65535 || first > last) {
      throw new IllegalArgumentException(
          "'" + first + "-" + last + "' is not a port range within 1..65535");
    }
  }

  static PortRange parse(String text) {
    String s = text.strip();
    int dash = s.indexOf('-');
    try {
      if (dash < 0) {
        int port = Integer.parseInt(s);
        check(port, text);
        return new PortRange(port, port);
      }
      int first = Integer.parseInt(s.substring(0, dash).strip());
      int last = Integer.parseInt(s.substring(dash + 1).strip());
      check(first, text);
      check(last, text);
      if (first > last) {
        throw new IllegalArgumentException(
            "'" + text + "': the range's first port is above its last");
      }
      return new PortRange(first, last);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a port (1..65535) or a range of them (e.g. 6000-6010)");
    }
  }

  private static void check(int port, String text) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "': a port is 1..65535");
    }
  }

  boolean single() {
    return first == last;
  }

  boolean overlaps(PortRange other) {
    return first <= other.last && other.first <= last;
  }

  /** As nft writes it: {@code 443}, {@code 6000-6010}. */
  String nft() {
    return single() ? Integer.toString(first) : first + "-" + last;
  }

  /** As iptables writes it: {@code 443}, {@code 6000:6010}. */
  String iptables() {
    return single() ? Integer.toString(first) : first + ":" + last;
  }

  @Override
  public String toString() {
    return nft();
  }
}
