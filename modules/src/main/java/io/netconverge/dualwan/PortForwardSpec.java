package io.netconverge.dualwan;

import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.spec.SpecViolation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One port forward: connections to {@code port} on a WAN (or on every WAN) go to a LAN address.
 * Their replies leave through the WAN the connection came in on, as every inbound connection's do.
 *
 * <pre>
 * portForwards:
 *   - { wan: any, protocol: tcp, port: 8080, to: "192.0.2.10:80" }
 *   - { wan: isp2, protocol: udp, port: 6000-6010, to: 192.0.2.20 }          # same ports
 *   - { wan: isp2, protocol: tcp, port: 8080, to: "[2001:db8:100::10]:80" }
 * </pre>
 *
 * @param wan a WAN's name, or {@code any} for every WAN that carries the target's family
 * @param protocol tcp or udp
 * @param port the port or range on the WAN
 * @param to the LAN address, with a port when the connection's port changes (a single port only;
 *     IPv6 in brackets: {@code "[2001:db8::10]:80"})
 */
public record PortForwardSpec(String wan, String protocol, String port, String to) {

  public static final String ANY = "any";

  /** A forward made sense of: the WANs it listens on and where it goes. */
  record Forward(
      List<WanSpec> wans,
      Protocol protocol,
      PortRange port,
      IpPrefix target,
      Optional<Integer> targetPort) {

    Family family() {
      return target.family();
    }

    /** {@code 192.0.2.10:80}, {@code [2001:db8::10]:80} or the address alone. */
    String destination() {
      String address =
          target.family() == Family.IPV6 && targetPort.isPresent()
              ? "[" + target.address() + "]"
              : target.address();
      return targetPort.map(p -> address + ":" + p).orElse(address);
    }
  }

  Forward resolve(String path, DualWanSpec spec) {
    if (wan == null) {
      throw new SpecViolation(path, "missing required key 'wan': a WAN's name or " + ANY);
    }
    if (protocol == null) {
      throw new SpecViolation(path, "missing required key 'protocol' (tcp or udp)");
    }
    Protocol proto =
        Protocol.of(protocol)
            .filter(Protocol::hasPorts)
            .orElseThrow(
                () ->
                    new SpecViolation(
                        path + ".protocol",
                        "protocol '" + protocol + "' cannot be forwarded; expected tcp or udp"));
    if (port == null) {
      throw new SpecViolation(path, "missing required key 'port' (e.g. 8080 or 6000-6010)");
    }
    PortRange ports;
    try {
      ports = PortRange.parse(port);
    } catch (IllegalArgumentException e) {
      throw new SpecViolation(path + ".port", e.getMessage());
    }
    if (to == null) {
      throw new SpecViolation(
          path, "missing required key 'to': the LAN address, e.g. \"192.0.2.10:80\"");
    }
    IpPrefix target;
    Optional<Integer> targetPort = Optional.empty();
    try {
      String s = to.strip();
      String address = s;
      String portText = null;
      if (s.startsWith("[")) {
        int close = s.indexOf(']');
        if (close < 0) {
          throw new IllegalArgumentException("'" + to + "' has no closing ]");
        }
        address = s.substring(1, close);
        String rest = s.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) {
            throw new IllegalArgumentException("'" + to + "': expected [ADDRESS]:PORT");
          }
          portText = rest.substring(1);
        }
      } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
        address = s.substring(0, s.indexOf(':'));
        portText = s.substring(s.indexOf(':') + 1);
      }
      target = IpPrefix.address(address);
      if (portText != null) {
        PortRange p = PortRange.parse(portText);
        if (!p.single()) {
          throw new IllegalArgumentException("'" + to + "': the target is one port");
        }
        targetPort = Optional.of(p.first());
      }
    } catch (IllegalArgumentException e) {
      throw new SpecViolation(
          path + ".to",
          e.getMessage() + " (write ADDRESS, ADDRESS:PORT or, for IPv6, \"[ADDRESS]:PORT\")");
    }
    if (targetPort.isPresent() && !ports.single()) {
      throw new SpecViolation(
          path + ".to",
          "a range of ports is forwarded to the same ports: give the address without a port");
    }
    Family family = target.family();
    List<WanSpec> wans = new ArrayList<>();
    if (wan.equals(ANY)) {
      for (WanSpec w : spec.wans()) {
        if (spec.familiesOf(w).has(family)) {
          wans.add(w);
        }
      }
      if (wans.isEmpty()) {
        throw new SpecViolation(path + ".to", "no WAN carries " + family + " to forward " + to);
      }
    } else {
      WanSpec w =
          spec.wans().stream()
              .filter(x -> wan.equals(x.name()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new SpecViolation(
                          path + ".wan", "'" + wan + "' is not a WAN of this profile, nor " + ANY));
      if (!spec.familiesOf(w).has(family)) {
        throw new SpecViolation(
            path + ".to",
            "WAN " + wan + " carries " + spec.familiesOf(w) + " only; " + to + " is " + family);
      }
      wans.add(w);
    }
    return new Forward(List.copyOf(wans), proto, ports, target, targetPort);
  }

  /** Whether two forwards would claim the same packets (a WAN, protocol, family and port). */
  static boolean clash(Forward a, Forward b) {
    return a.protocol() == b.protocol()
        && a.family() == b.family()
        && a.port().overlaps(b.port())
        && a.wans().stream().anyMatch(b.wans()::contains);
  }
}
