package io.netconverge.core.sandbox;

import java.util.List;

/**
 * An interface a host state names, as the sandbox must build it.
 *
 * @param name the interface name inside the sandbox
 * @param addresses CIDR addresses to give it (e.g. {@code 198.51.100.2/24})
 * @param gateways addresses the far end answers at, so routes via them are accepted
 * @param leases gateways a DHCP (IPv4) or router advertisement (IPv6) client would have learnt on
 *     it: the sandbox plays that client and adds a default route via each to the main table, {@code
 *     proto dhcp} or {@code proto ra}
 */
public record SandboxInterface(
    String name, List<String> addresses, List<String> gateways, List<String> leases) {

  public SandboxInterface {
    addresses = List.copyOf(addresses);
    gateways = List.copyOf(gateways);
    leases = leases == null ? List.of() : List.copyOf(leases);
  }

  public SandboxInterface(String name, List<String> addresses, List<String> gateways) {
    this(name, addresses, gateways, List.of());
  }

  public static SandboxInterface bare(String name) {
    return new SandboxInterface(name, List.of(), List.of());
  }

  /** Merges what two parts of a host state say about the same interface. */
  public SandboxInterface merge(SandboxInterface other) {
    return new SandboxInterface(
        name,
        java.util.stream.Stream.concat(addresses.stream(), other.addresses.stream())
            .distinct()
            .toList(),
        java.util.stream.Stream.concat(gateways.stream(), other.gateways.stream())
            .distinct()
            .toList(),
        java.util.stream.Stream.concat(leases.stream(), other.leases.stream()).distinct().toList());
  }
}
