package io.netconverge.iprule;

import io.netconverge.core.net.Family;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What converging ip rules does: per family, the lines of one {@code ip -batch -}.
 *
 * @param batches per family, in order; a family without changes has none
 */
public record IpRulePlan(Map<Family, List<String>> batches) {

  public IpRulePlan {
    Map<Family, List<String>> copy = new EnumMap<>(Family.class);
    batches.forEach((family, lines) -> copy.put(family, List.copyOf(lines)));
    batches = Collections.unmodifiableMap(copy);
  }
}
