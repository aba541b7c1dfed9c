package io.netconverge.iprule;

import io.netconverge.core.net.Family;
import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.net.Mark;
import io.netconverge.core.net.TableRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ip rule}, as the file writes it. The family follows from {@code from}/{@code to};
 * without addresses it is {@code family}, default ipv4.
 *
 * @param family ipv4 or ipv6; inferred from from/to when absent, else ipv4
 * @param priority 1..4294967295; absent lets the kernel pick (the rule is still never added twice)
 * @param not invert the selector
 * @param from source prefix
 * @param to destination prefix
 * @param fwmark the packet mark, with an optional mask ({@code 0xa/0xff})
 * @param iif input interface
 * @param oif output interface
 * @param table the table to look up (number or name); exclusive with type
 * @param suppressPrefixLength reject table results with a prefix this long or shorter
 * @param type blackhole, unreachable or prohibit instead of a table lookup
 * @param uidRange {@code 1000} or {@code 1000-2000}
 * @param ipProto tcp, udp, sctp, icmp, ipv6-icmp or a protocol number
 * @param sport source port or range {@code 1000-2000}
 * @param dport destination port or range
 */
public record IpRuleSpec(
    Family family,
    Long priority,
    Boolean not,
    String from,
    String to,
    Mark fwmark,
    InterfaceName iif,
    InterfaceName oif,
    TableRef table,
    Integer suppressPrefixLength,
    RuleAction type,
    String uidRange,
    String ipProto,
    String sport,
    String dport) {

  /** Protocol names ip(8) accepts for ipproto, with their numbers. */
  public static final Map<String, Integer> PROTOCOLS =
      Map.of("icmp", 1, "tcp", 6, "udp", 17, "gre", 47, "esp", 50, "ipv6-icmp", 58, "sctp", 132);

  private static final Pattern RANGE = Pattern.compile("(\\d+)(?:-(\\d+))?");

  public IpRuleSpec {
    if (priority != null && (priority < 1 || priority > 0xffffffffL)) {
      throw new io.netconverge.core.spec.InvalidFieldException(
          "priority",
          "priority " + priority + " is out of range 1..4294967295 (0 is the kernel's local rule)");
    }
    if ((table == null) == (type == null)) {
      throw new IllegalArgumentException(
          "a rule needs exactly one of 'table' (look up a table) or 'type' (blackhole, unreachable,"
              + " prohibit)");
    }
    if (fwmark != null && fwmark.value() == 0 && fwmark.fullMask()) {
      // The kernel stores a bare mark 0 as "no mark match": the rule would never read back as
      // declared and would be added again on every run.
      throw new IllegalArgumentException(
          "fwmark 0 matches every packet and the kernel drops it from the rule; to match unmarked"
              + " packets give a mask, e.g. 0/0xff");
    }
    if (suppressPrefixLength != null) {
      if (table == null) {
        throw new IllegalArgumentException("suppressPrefixLength needs 'table'");
      }
      if (suppressPrefixLength < 0 || suppressPrefixLength > 128) {
        throw new IllegalArgumentException(
            "suppressPrefixLength " + suppressPrefixLength + " is out of range 0..128");
      }
    }
    List<Family> seen = new ArrayList<>();
    if (family != null) {
      seen.add(family);
    }
    if (from != null && !IpPrefix.isAny(from)) {
      seen.add(IpPrefix.parse(from).family());
    }
    if (to != null && !IpPrefix.isAny(to)) {
      seen.add(IpPrefix.parse(to).family());
    }
    if (seen.stream().distinct().count() > 1) {
      throw new IllegalArgumentException("a rule cannot mix IPv4 and IPv6 (from, to, family)");
    }
    if (uidRange != null) {
      range(uidRange, "uidRange", 0xffffffffL);
    }
    if (ipProto != null) {
      protocolNumber(ipProto);
    }
    if (sport != null) {
      range(sport, "sport", 1, 65535);
    }
    if (dport != null) {
      range(dport, "dport", 1, 65535);
    }
  }

  /** The family of the rule: from its addresses, else {@code family}, else ipv4. */
  public Family resolvedFamily() {
    if (family != null) {
      return family;
    }
    for (String a : new String[] {from, to}) {
      if (a != null && !IpPrefix.isAny(a)) {
        return IpPrefix.parse(a).family();
      }
    }
    return Family.IPV4;
  }

  /** Parses {@code N} or {@code N-M} into {start, end}. */
  public static long[] range(String text, String field, long max) {
    return range(text, field, 0, max);
  }

  /** A range within {@code min..max}: the kernel takes no port 0 in a rule. */
  public static long[] range(String text, String field, long min, long max) {
    Matcher m = RANGE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          field + " '" + text + "' is not a number or a range like 1000-2000");
    }
    long start;
    long end;
    try {
      start = Long.parseLong(m.group(1));
      end = m.group(2) == null ? start : Long.parseLong(m.group(2));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + " '" + text + "' is out of range 0.." + max);
    }
    if (start < min || start > max || end > max || end < start) {
      throw new IllegalArgumentException(
          field + " '" + text + "' is not a valid range within " + min + ".." + max);
    }
    return new long[] {start, end};
  }

  /** tcp, udp, ... or 0..255. */
  public static int protocolNumber(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    Integer known = PROTOCOLS.get(s);
    if (known != null) {
      return known;
    }
    if (s.matches("\\d{1,3}") && Integer.parseInt(s) <= 255) {
      return Integer.parseInt(s);
    }
    throw new IllegalArgumentException(
        "ipProto '"
            + text
            + "' is not known; expected one of "
            + PROTOCOLS.keySet()
            + " or 0..255");
  }

  /** A rule sending packets with this mark to a table. */
  public static IpRuleSpec fwmark(Family family, long priority, Mark mark, TableRef table) {
    return new IpRuleSpec(
        family, priority, null, null, null, mark, null, null, table, null, null, null, null, null,
        null);
  }

  /** A rule sending packets from this source to a table. */
  public static IpRuleSpec from(long priority, String from, TableRef table) {
    return new IpRuleSpec(
        null, priority, null, from, null, null, null, null, table, null, null, null, null, null,
        null);
  }
}
