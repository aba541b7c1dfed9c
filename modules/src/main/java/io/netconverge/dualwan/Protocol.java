package io.netconverge.dualwan;

import io.netconverge.core.net.Family;
import java.util.Optional;

/** The protocols a policy or port forward matches, with how each tool writes them. */
enum Protocol {
  TCP("tcp", "tcp", null, true),
  UDP("udp", "udp", null, true),
  ICMP("icmp", "icmp", Family.IPV4, false),
  ICMPV6("icmpv6", "ipv6-icmp", Family.IPV6, false);

  private final String fileName;
  private final String toolName;
  private final Family family;
  private final boolean ports;

  Protocol(String fileName, String toolName, Family family, boolean ports) {
    this.fileName = fileName;
    this.toolName = toolName;
    this.family = family;
    this.ports = ports;
  }

  static Optional<Protocol> of(String text) {
    for (Protocol p : values()) {
      if (p.fileName.equals(text)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The name nft and iptables both know ({@code ipv6-icmp} for ICMPv6). */
  String toolName() {
    return toolName;
  }

  /** The one family the protocol exists in; empty for both. */
  Optional<Family> family() {
    return Optional.ofNullable(family);
  }

  boolean hasPorts() {
    return ports;
  }

  @Override
  public String toString() {
    return fileName;
  }
}
