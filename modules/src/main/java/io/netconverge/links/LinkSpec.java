package io.netconverge.links;

import io.netconverge.core.net.InterfaceAddress;
import java.util.List;

/**
 * One interface under {@code links:}, as the file writes it. Each field left out is left alone.
 *
 * <pre>
 * links:
 *   wan0:
 *     up: true
 *     mtu: 1492
 *     addresses: [198.51.100.2/24, 2001:db8:1::2/64]
 * </pre>
 *
 * @param up true: the interface is set up; false: down
 * @param mtu the MTU, 68..65535 (IPv6 needs 1280 or more on the link)
 * @param addresses addresses the interface must have, with their prefix length; they are added when
 *     missing. Other addresses on the interface are left alone
 * @param exclusive true: the interface has exactly {@code addresses}; every other address on it is
 *     removed, except the link-local ones the kernel makes (fe80::/10, scope link)
 */
public record LinkSpec(
    Boolean up, Integer mtu, List<InterfaceAddress> addresses, Boolean exclusive) {

  public static final int MIN_MTU = 68;
  public static final int MAX_MTU = 65535;

  public LinkSpec {
    addresses = addresses == null ? List.of() : List.copyOf(addresses);
  }

  public boolean isExclusive() {
    return Boolean.TRUE.equals(exclusive);
  }
}
