package io.netconverge.iprule;

import io.netconverge.core.engine.ChangeValue;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.net.Mark;
import io.netconverge.core.net.TableRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code ip rule}. Its identity is the whole tuple, priority and protocol included, as the
 * kernel's own: a rule with another protocol is another rule, and {@code fwmark 0x8e} is not {@code
 * fwmark 0x8ef}.
 *
 * @param family ipv4 or ipv6
 * @param priority null when declared without one: the kernel picks it, and any priority matches
 * @param not the selector is inverted
 * @param from source prefix, null for all
 * @param to destination prefix, null for all
 * @param fwmark packet mark and mask, null for any
 * @param iif input interface, null for any
 * @param oif output interface, null for any
 * @param table the table to look up; null with an action
 * @param suppressPrefixLength null when not set
 * @param action blackhole, unreachable or prohibit; null to look up {@code table}
 * @param uidRange null for any
 * @param ipProto IP protocol number, 0 for any
 * @param sport null for any
 * @param dport null for any
 * @param protocol the routing protocol tag
 */
public record IpRule(
    Family family,
    Long priority,
    boolean not,
    IpPrefix from,
    IpPrefix to,
    Mark fwmark,
    String iif,
    String oif,
    TableRef table,
    Integer suppressPrefixLength,
    RuleAction action,
    PortRange uidRange,
    int ipProto,
    PortRange sport,
    PortRange dport,
    int protocol)
    implements ChangeValue {

  public IpRule {
    Objects.requireNonNull(family, "family");
    if (from != null && from.length() == 0) {
      from = null;
    }
    if (to != null && to.length() == 0) {
      to = null;
    }
  }

  public static IpRule of(IpRuleSpec spec, int protocol) {
    Family family = spec.resolvedFamily();
    return new IpRule(
        family,
        spec.priority(),
        Boolean.TRUE.equals(spec.not()),
        spec.from() == null || IpPrefix.isAny(spec.from()) ? null : IpPrefix.parse(spec.from()),
        spec.to() == null || IpPrefix.isAny(spec.to()) ? null : IpPrefix.parse(spec.to()),
        spec.fwmark(),
        spec.iif() == null ? null : spec.iif().name(),
        spec.oif() == null ? null : spec.oif().name(),
        spec.table(),
        spec.suppressPrefixLength(),
        spec.type(),
        spec.uidRange() == null ? null : PortRange.parse(spec.uidRange(), "uidRange", 0xffffffffL),
        spec.ipProto() == null ? 0 : IpRuleSpec.protocolNumber(spec.ipProto()),
        spec.sport() == null ? null : PortRange.parse(spec.sport(), "sport", 1, 65535),
        spec.dport() == null ? null : PortRange.parse(spec.dport(), "dport", 1, 65535),
        protocol);
  }

  /** The same rule with its table by number, as the kernel reports it. */
  public IpRule resolved(Map<String, Long> names) {
    if (table == null || (table.id() != null && table.name() == null)) {
      return this;
    }
    Long id = table.resolve(names).orElse(null);
    return id == null ? this : withTable(TableRef.id(id));
  }

  public boolean tableResolved() {
    return table == null || table.id() != null;
  }

  public IpRule withTable(TableRef t) {
    return new IpRule(
        family,
        priority,
        not,
        from,
        to,
        fwmark,
        iif,
        oif,
        t,
        suppressPrefixLength,
        action,
        uidRange,
        ipProto,
        sport,
        dport,
        protocol);
  }

  public IpRule withPriority(Long p) {
    return new IpRule(
        family,
        p,
        not,
        from,
        to,
        fwmark,
        iif,
        oif,
        table,
        suppressPrefixLength,
        action,
        uidRange,
        ipProto,
        sport,
        dport,
        protocol);
  }

  /** Equal in everything but the priority: how a rule declared without one is found. */
  public boolean sameButPriority(IpRule other) {
    return withPriority(null).equals(other.withPriority(null));
  }

  /**
   * Whether {@code ip rule del} with this rule's words would pick {@code other}: the kernel
   * compares only the fields a deletion gives, so a rule whose selector says more also matches. The
   * inversion flag is taken as not compared, which errs on the side of caution.
   */
  public boolean deletionWouldMatch(IpRule other) {
    return family == other.family
        && Objects.equals(priority, other.priority)
        && protocol == other.protocol
        && action == other.action
        && given(table, other.table)
        && given(from, other.from)
        && given(to, other.to)
        && given(fwmark, other.fwmark)
        && given(iif, other.iif)
        && given(oif, other.oif)
        && given(suppressPrefixLength, other.suppressPrefixLength)
        && given(uidRange, other.uidRange)
        && (ipProto == 0 || ipProto == other.ipProto)
        && given(sport, other.sport)
        && given(dport, other.dport);
  }

  private static boolean given(Object mine, Object theirs) {
    return mine == null || mine.equals(theirs);
  }

  /** The words of {@code ip rule add|del} after the verb. */
  public List<String> words() {
    List<String> w = new ArrayList<>();
    if (priority != null) {
      w.add("priority");
      w.add(Long.toString(priority));
    }
    w.addAll(selector(true));
    if (action != null) {
      w.add(action.toString());
    } else {
      w.add("table");
      w.add(Long.toString(table.id() != null ? table.id() : 0));
      if (suppressPrefixLength != null) {
        w.add("suppress_prefixlength");
        w.add(Integer.toString(suppressPrefixLength));
      }
    }
    w.add("protocol");
    w.add(Integer.toString(protocol));
    return w;
  }

  private List<String> selector() {
    return selector(false);
  }

  /**
   * @param numeric the IP protocol by number, as the batch writes it: a minimal system may have no
   *     /etc/protocols to look names up in
   */
  private List<String> selector(boolean numeric) {
    List<String> w = new ArrayList<>();
    if (not) {
      w.add("not");
    }
    w.add("from");
    w.add(from == null ? "all" : from.toString());
    if (to != null) {
      w.add("to");
      w.add(to.toString());
    }
    if (fwmark != null) {
      w.add("fwmark");
      w.add(fwmark.toString());
    }
    if (iif != null) {
      w.add("iif");
      w.add(iif);
    }
    if (oif != null) {
      w.add("oif");
      w.add(oif);
    }
    if (uidRange != null) {
      w.add("uidrange");
      w.add(uidRange.start() + "-" + uidRange.end());
    }
    if (ipProto != 0) {
      w.add("ipproto");
      w.add(numeric ? Integer.toString(ipProto) : protocolName(ipProto));
    }
    if (sport != null) {
      w.add("sport");
      w.add(sport.toString());
    }
    if (dport != null) {
      w.add("dport");
      w.add(dport.toString());
    }
    return w;
  }

  static String protocolName(int number) {
    for (var e : IpRuleSpec.PROTOCOLS.entrySet()) {
      if (e.getValue() == number) {
        return e.getKey();
      }
    }
    return Integer.toString(number);
  }

  /**
   * What differs from {@code other}, field by field: the selector as text, the table as a {@link
   * TableRef}, the rest as their own types.
   */
  public List<FieldChange> differences(IpRule other) {
    List<FieldChange> d = new ArrayList<>();
    field(
        d,
        "selector",
        ChangeValue.text(String.join(" ", selector())),
        ChangeValue.text(String.join(" ", other.selector())));
    field(d, "table", table, other.table);
    field(d, "suppressPrefixLength", suppressPrefixLength, other.suppressPrefixLength);
    field(d, "type", action, other.action);
    field(d, "protocol", protocol, other.protocol);
    return d;
  }

  private static void field(List<FieldChange> d, String name, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      d.add(new FieldChange(name, value(before), value(after)));
    }
  }

  private static ChangeValue value(Object value) {
    return value instanceof ChangeValue v ? v : ChangeValue.of(value);
  }

  /** As reports show it: {@link #toString()}. */
  @Override
  public String render() {
    return toString();
  }

  /** As {@code ip rule show} prints it, with {@code -6} for IPv6. */
  @Override
  public String toString() {
    List<String> w = new ArrayList<>();
    if (family == Family.IPV6) {
      w.add("-6");
    }
    w.add(priority == null ? "(kernel's priority)" : priority + ":");
    w.addAll(selector());
    if (action != null) {
      w.add(action.toString());
    } else {
      w.add("lookup " + table);
      if (suppressPrefixLength != null) {
        w.add("suppress_prefixlength " + suppressPrefixLength);
      }
    }
    w.add("proto " + protocol);
    return String.join(" ", w);
  }
}
