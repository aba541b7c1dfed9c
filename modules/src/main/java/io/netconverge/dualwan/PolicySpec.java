package io.netconverge.dualwan;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.spec.SpecViolation;
import java.util.Optional;

/**
 * One outbound policy: new connections from the LAN that match every given field use one WAN, the
 * balance, or the main table. Policies are tried in the order written; the first that matches
 * decides.
 *
 * <pre>
 * policies:
 *   - { to: 198.18.0.0/24, use: isp2 }                  # a partner that allows only isp2's address
 *   - { from: 192.0.2.64/26, protocol: tcp, port: 443, use: balance }
 *   - { interface: lan1, use: isp1 }
 *   - { to: 10.0.0.0/8, use: main }                     # the VPN routes in main
 * </pre>
 *
 * @param to destination prefix; its family is the policy's
 * @param from source prefix
 * @param protocol tcp, udp, icmp or icmpv6
 * @param port destination port or range ({@code 443}, {@code 6000-6010}); tcp and udp only
 * @param itf the LAN interface the connection comes in on
 * @param family ipv4 or ipv6, for a policy that no address or protocol places in one
 * @param use a WAN's name, {@code balance} or {@code main}
 */
public record PolicySpec(
    String to,
    String from,
    String protocol,
    String port,
    @JsonProperty("interface") InterfaceName itf,
    Family family,
    String use) {

  public static final String MAIN = "main";
  public static final String BALANCE = "balance";

  /** A policy made sense of: every field parsed, its family known or open. */
  record Policy(
      Optional<IpPrefix> to,
      Optional<IpPrefix> from,
      Optional<Protocol> protocol,
      Optional<PortRange> port,
      Optional<String> iif,
      Optional<Family> family,
      String use) {

    boolean usesMain() {
      return use.equals(MAIN);
    }

    boolean usesBalance() {
      return use.equals(BALANCE);
    }

    /** Whether connections of {@code f} can match. */
    boolean applies(Family f) {
      return family.isEmpty() || family.get() == f;
    }
  }

  /**
   * Checks the policy against its profile and makes sense of it.
   *
   * @throws SpecViolation naming the offending field under {@code path}
   */
  Policy resolve(String path, DualWanSpec spec) {
    if (use == null) {
      throw new SpecViolation(
          path, "missing required key 'use': a WAN's name, " + BALANCE + " or " + MAIN);
    }
    Optional<WanSpec> wan = spec.wans().stream().filter(w -> use.equals(w.name())).findFirst();
    if (wan.isEmpty() && !use.equals(MAIN) && !use.equals(BALANCE)) {
      throw new SpecViolation(
          path + ".use", "'" + use + "' is not a WAN of this profile, " + BALANCE + " or " + MAIN);
    }
    if (use.equals(BALANCE) && spec.balance() == null) {
      throw new SpecViolation(
          path + ".use", "use: balance needs a balance: declare dualWan.balance.weights");
    }
    Optional<Family> fam = Optional.ofNullable(family);
    Optional<IpPrefix> dst = prefix(to, path + ".to");
    fam = agree(fam, dst.map(IpPrefix::family), path + ".to", "the destination");
    Optional<IpPrefix> src = prefix(from, path + ".from");
    fam = agree(fam, src.map(IpPrefix::family), path + ".from", "the source");
    Optional<Protocol> proto = Optional.empty();
    if (protocol != null) {
      proto = Protocol.of(protocol);
      if (proto.isEmpty()) {
        throw new SpecViolation(
            path + ".protocol",
            "protocol '" + protocol + "' is not known; expected tcp, udp, icmp or icmpv6");
      }
      fam = agree(fam, proto.get().family(), path + ".protocol", "protocol " + protocol);
    }
    Optional<PortRange> ports = Optional.empty();
    if (port != null) {
      if (proto.isEmpty() || !proto.get().hasPorts()) {
        throw new SpecViolation(path + ".port", "a port needs protocol: tcp or udp");
      }
      try {
        ports = Optional.of(PortRange.parse(port));
      } catch (IllegalArgumentException e) {
        throw new SpecViolation(path + ".port", e.getMessage());
      }
    }
    if (itf != null) {
      for (WanSpec w : spec.wans()) {
        if (w.itf() != null && w.itf().equals(itf)) {
          throw new SpecViolation(
              path + ".interface",
              itf
                  + " is the interface of WAN "
                  + w.name()
                  + "; policies route connections from the LAN");
        }
      }
    }
    if (wan.isPresent()) {
      Families carried = spec.familiesOf(wan.get());
      if (fam.isPresent() && !carried.has(fam.get())) {
        throw new SpecViolation(
            path + ".use",
            "WAN "
                + use
                + " carries "
                + carried
                + " only; this policy matches "
                + fam.get()
                + " connections");
      }
      // A policy open to both families pins only what the WAN can carry.
      if (fam.isEmpty() && carried != Families.BOTH) {
        fam = Optional.of(carried.members().get(0));
      }
    }
    return new Policy(
        dst, src, proto, ports, Optional.ofNullable(itf).map(InterfaceName::name), fam, use);
  }

  private static Optional<IpPrefix> prefix(String text, String at) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(IpPrefix.parse(text));
    } catch (IllegalArgumentException e) {
      throw new SpecViolation(at, e.getMessage());
    }
  }

  private static Optional<Family> agree(
      Optional<Family> known, Optional<Family> more, String at, String what) {
    if (more.isEmpty()) {
      return known;
    }
    if (known.isPresent() && known.get() != more.get()) {
      throw new SpecViolation(
          at, what + " is " + more.get() + " while the policy is " + known.get());
    }
    return more;
  }
}
