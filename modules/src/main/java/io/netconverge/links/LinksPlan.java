package io.netconverge.links;

import java.util.List;

/**
 * What converging the links does: the lines of one {@code ip -batch -}, in order.
 *
 * @param lines e.g. {@code link set dev wan0 mtu 1492}, {@code address add 198.51.100.2/24 dev
 *     wan0}, {@code link set dev wan0 up}
 */
public record LinksPlan(List<String> lines) {

  public LinksPlan {
    lines = List.copyOf(lines);
  }
}
