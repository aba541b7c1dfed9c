package io.netconverge.links;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.InterfaceAddress;
import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.spec.SpecViolation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code links} section: interfaces by name, each with its {@link LinkSpec}. Only interfaces
 * named here are touched, and none is ever created or deleted.
 *
 * @param links the interfaces, in file order
 */
public record LinksSpec(@JsonValue Map<InterfaceName, LinkSpec> links) {

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public LinksSpec {
    links = links == null ? Map.of() : new LinkedHashMap<>(links);
  }

  /** One interface's declaration, for code: {@code LinksSpec.of("wan0", new LinkSpec(...))}. */
  public static LinksSpec of(String itf, LinkSpec link) {
    return new LinksSpec(Map.of(InterfaceName.of(itf), link));
  }

  /**
   * Checks what binding cannot; paths start at {@code links}.
   *
   * @param keepsAddressesOnDown whether the file sets {@code
   *     net.ipv6.conf.<interface>.keep_addr_on_down} to 1 for an interface
   */
  void check(List<SpecViolation> found, java.util.function.Predicate<String> keepsAddressesOnDown) {
    links.forEach(
        (name, link) -> {
          String at = "links" + step(name.name());
          if (link == null) {
            found.add(new SpecViolation(at, "an empty entry: give up, mtu or addresses"));
            return;
          }
          if (link.mtu() != null
              && (link.mtu() < LinkSpec.MIN_MTU || link.mtu() > LinkSpec.MAX_MTU)) {
            found.add(
                new SpecViolation(
                    at + ".mtu",
                    "mtu "
                        + link.mtu()
                        + " is out of range "
                        + LinkSpec.MIN_MTU
                        + ".."
                        + LinkSpec.MAX_MTU));
          }
          if (Boolean.FALSE.equals(link.up())
              && link.addresses().stream().anyMatch(a -> a != null && a.family() == Family.IPV6)
              && !keepsAddressesOnDown.test(name.name())) {
            // Otherwise every converge would add them and the kernel drop them again.
            found.add(
                new SpecViolation(
                    at + ".up",
                    "an interface that is down loses its IPv6 addresses; declare sysctl"
                        + " net.ipv6.conf."
                        + name.name()
                        + ".keep_addr_on_down: 1 to keep them"));
          }
          Map<InterfaceAddress, Integer> seen = new HashMap<>();
          for (int i = 0; i < link.addresses().size(); i++) {
            InterfaceAddress a = link.addresses().get(i);
            if (a == null) {
              found.add(new SpecViolation(at + ".addresses[" + i + "]", "an empty entry"));
              continue;
            }
            Integer first = seen.putIfAbsent(sameAddress(a), i);
            if (first != null) {
              found.add(
                  new SpecViolation(
                      at + ".addresses[" + i + "]",
                      a.address()
                          + " is declared twice (also at addresses["
                          + first
                          + "]); an interface has an address once"));
            }
          }
        });
  }

  /** The kernel keys an address by the address alone, whatever its prefix length. */
  private static InterfaceAddress sameAddress(InterfaceAddress a) {
    return new InterfaceAddress(a.host(), a.family() == Family.IPV4 ? 32 : 128);
  }

  /** {@code more} next to these links: an interface both name keeps this one's fields where set. */
  LinksSpec merged(LinksSpec more) {
    Map<InterfaceName, LinkSpec> all = new LinkedHashMap<>(links);
    more.links.forEach(
        (name, theirs) ->
            all.merge(
                name,
                theirs,
                (mine, other) -> {
                  List<InterfaceAddress> addresses = new ArrayList<>(mine.addresses());
                  other.addresses().stream()
                      .filter(a -> !addresses.contains(a))
                      .forEach(addresses::add);
                  return new LinkSpec(
                      mine.up() != null ? mine.up() : other.up(),
                      mine.mtu() != null ? mine.mtu() : other.mtu(),
                      addresses,
                      mine.exclusive() != null ? mine.exclusive() : other.exclusive());
                }));
    return new LinksSpec(all);
  }

  static String step(String name) {
    return name.matches("[A-Za-z_][A-Za-z0-9_]*") ? "." + name : "[\"" + name + "\"]";
  }
}
