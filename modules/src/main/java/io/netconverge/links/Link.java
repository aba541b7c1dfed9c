package io.netconverge.links;

import java.util.List;
import java.util.Objects;

/**
 * One interface's state: declared (null fields are left alone) or read (every field set).
 *
 * @param name the interface name
 * @param up whether it is administratively up
 * @param mtu its MTU
 * @param addresses its addresses; when read, every address it has
 * @param exclusive declared: undeclared addresses go (link-local ones excepted)
 */
public record Link(
    String name, Boolean up, Integer mtu, List<LinkAddress> addresses, boolean exclusive) {

  public Link {
    Objects.requireNonNull(name, "name");
    addresses = List.copyOf(addresses);
  }

  /** Whether {@code address} (compared by address and prefix length) is among these. */
  boolean has(LinkAddress address) {
    return addresses.stream().anyMatch(a -> a.address().equals(address.address()));
  }
}
