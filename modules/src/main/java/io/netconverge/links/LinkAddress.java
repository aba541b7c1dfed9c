package io.netconverge.links;

import io.netconverge.core.net.Family;
import io.netconverge.core.net.InterfaceAddress;

/**
 * An address on an interface, as read or declared.
 *
 * @param address the address and its prefix length
 * @param scope {@code global}, {@code link}, {@code host} (as ip prints it; {@code global} for a
 *     declared one)
 * @param options the rest of ip's words that a restore replays ({@code broadcast 192.0.2.255 label
 *     eth0:1 noprefixroute}); empty when declared. Lifetimes and state flags (tentative, secondary)
 *     are not kept: they change on their own
 */
public record LinkAddress(InterfaceAddress address, String scope, String options) {

  public LinkAddress {
    scope = scope == null ? "global" : scope;
    options = options == null ? "" : options;
  }

  public static LinkAddress declared(InterfaceAddress address) {
    return new LinkAddress(address, "global", "");
  }

  /** The kernel makes these itself (fe80::/10): never removed, never replayed. */
  public boolean linkLocal() {
    return "link".equals(scope) && address.family() == Family.IPV6;
  }

  /** The words after {@code ip address replace} that put this address back as it was. */
  String replayWords() {
    StringBuilder sb = new StringBuilder(address.toString());
    if (!"global".equals(scope)) {
      sb.append(" scope ").append(scope);
    }
    if (!options.isEmpty()) {
      sb.append(' ').append(options);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return address.toString();
  }
}
