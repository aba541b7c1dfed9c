package io.netconverge.dualwan;

import io.netconverge.core.spec.SpecViolation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How new connections from the LAN are spread over the WANs: {@code weights} by WAN name, chosen
 * per new connection at random in proportion, and kept in the connection's mark so that a flow
 * never changes WAN. Optionally {@code sticky}, so that a source keeps its WAN.
 *
 * <pre>
 * balance:
 *   weights: { isp1: 3, isp2: 1 }
 *   sticky: { by: source, timeout: 600s }
 * </pre>
 *
 * @param weights each member WAN's share, 1..{@value #MAX_WEIGHT}
 * @param sticky keeps a source on one WAN; optional
 */
public record BalanceSpec(Map<String, Integer> weights, StickySpec sticky) {

  static final int MAX_WEIGHT = 1000;

  public BalanceSpec {
    weights = weights == null ? Map.of() : new LinkedHashMap<>(weights);
  }

  void validate(String path, Set<String> wanNames) {
    if (weights.isEmpty()) {
      throw new SpecViolation(
          path, "missing required key 'weights': each WAN's share, e.g. { isp1: 3, isp2: 1 }");
    }
    for (var e : weights.entrySet()) {
      String at = path + ".weights" + step(e.getKey());
      if (!wanNames.contains(e.getKey())) {
        throw new SpecViolation(
            at, "'" + e.getKey() + "' is not a WAN of this profile; expected one of " + wanNames);
      }
      Integer weight = e.getValue();
      if (weight == null || weight < 1 || weight > MAX_WEIGHT) {
        throw new SpecViolation(
            at,
            "weight "
                + weight
                + " is out of range 1.."
                + MAX_WEIGHT
                + " (leave a WAN out of the balance to give it none)");
      }
    }
    if (sticky != null) {
      sticky.validate(path + ".sticky");
    }
  }

  /** A map key as a field path step: plain when it is a name, quoted otherwise. */
  private static String step(String key) {
    return key.matches("[A-Za-z_][A-Za-z0-9_]*")
        ? "." + key
        : "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
  }
}
