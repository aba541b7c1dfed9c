package io.netconverge.dualwan;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.InterfaceAddress;
import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.net.Mark;
import java.util.Optional;

/**
 * One WAN of the dualWan profile, as the file writes it. Its identity is its own fields, never its
 * place in the list: the rules, table and chain lines it expands into follow from its mark and
 * table id alone, so adding or removing another WAN leaves this one's resources as they are.
 *
 * @param name the ISP's name: the routing table's name, and a comment in the marking rules
 * @param itf the interface towards this ISP
 * @param mark the conntrack mark of connections that came in through it, within markMask
 * @param table the routing table id for replies to those connections
 * @param gateway the ISP's IPv4 gateway (families ipv4 or both)
 * @param address this router's IPv4 address on the WAN, with prefix length; optional
 * @param gateway6 the ISP's IPv6 gateway (families ipv6 or both)
 * @param address6 this router's IPv6 address on the WAN, with prefix length; optional
 * @param families the families this WAN carries; null means the profile's {@code families}
 * @param masquerade source NAT to the WAN's own address for connections leaving through it
 * @param snat a fixed IPv4 source address for connections leaving through it (instead of
 *     masquerade)
 * @param snat6 a fixed IPv6 source address for connections leaving through it
 * @param track health probes through this WAN; absent: the WAN counts as healthy while its link is
 *     up and its gateway known
 * @param hooks commands run when the WAN goes down or comes back up
 * @param flushConntrack on down, delete the connections carrying this WAN's mark, so that they are
 *     made again through another WAN instead of waiting for their timeouts
 */
public record WanSpec(
    String name,
    @JsonProperty("interface") InterfaceName itf,
    Mark mark,
    Long table,
    String gateway,
    InterfaceAddress address,
    String gateway6,
    InterfaceAddress address6,
    Families families,
    Masquerade masquerade,
    String snat,
    String snat6,
    TrackSpec track,
    HooksSpec hooks,
    Boolean flushConntrack) {

  /** A WAN without the outbound and health keys, as files wrote it before they existed. */
  public WanSpec(
      String name,
      InterfaceName itf,
      Mark mark,
      Long table,
      String gateway,
      InterfaceAddress address,
      String gateway6,
      InterfaceAddress address6) {
    this(
        name, itf, mark, table, gateway, address, gateway6, address6, null, null, null, null, null,
        null, null);
  }

  /** {@code gateway: dhcp}: the gateway the DHCP client left on the interface. */
  public static final String DHCP = "dhcp";

  /** {@code gateway6: ra}: the gateway router advertisements left on the interface. */
  public static final String RA = "ra";

  /** Whether the family's gateway comes from the live state (DHCP or router advertisements). */
  public boolean dynamicGateway(Family family) {
    String gateway = gatewayOf(family);
    return DHCP.equals(gateway) || RA.equals(gateway);
  }

  /** The same WAN with the gateways and addresses found on the host in place of dhcp and ra. */
  public WanSpec resolved(
      String gateway4, InterfaceAddress address4, String gateway6, InterfaceAddress address6) {
    return new WanSpec(
        name,
        itf,
        mark,
        table,
        gateway4,
        address4,
        gateway6,
        address6,
        families,
        masquerade,
        snat,
        snat6,
        track,
        hooks,
        flushConntrack);
  }

  public Optional<InterfaceAddress> addressOf(Family family) {
    return Optional.ofNullable(family == Family.IPV4 ? address : address6);
  }

  public String gatewayOf(Family family) {
    return family == Family.IPV4 ? gateway : gateway6;
  }

  /** The fixed source address for {@code family}, when the WAN declares one. */
  public Optional<String> snatOf(Family family) {
    return Optional.ofNullable(family == Family.IPV4 ? snat : snat6);
  }
}
