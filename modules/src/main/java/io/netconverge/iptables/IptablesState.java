package io.netconverge.iptables;

import io.netconverge.core.net.Family;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The owned chains of both families. A declared state has no reading; a state read from a host
 * carries what the read found, which the pure diff needs: the whole rulesets (foreign rules next to
 * our jumps decide where a jump belongs), the backend of each family, and the declared rules in the
 * form the host's iptables prints them.
 *
 * @param chains declared: in file order; read: every declared or owned chain that exists
 * @param reading null for a declared state
 */
public record IptablesState(List<IptablesChain> chains, Reading reading) {

  public IptablesState {
    chains = List.copyOf(chains);
  }

  public static IptablesState declared(List<IptablesChain> chains) {
    return new IptablesState(chains, null);
  }

  /**
   * @param backends the backend each family's rules were read from and are written to
   * @param rulesets each family's iptables-save output, parsed
   * @param canonical by chain key, the declared rules as iptables printed them after loading them
   *     into a throw-away network namespace
   */
  public record Reading(
      Map<Family, IptablesBackend> backends,
      Map<Family, SavedRuleset> rulesets,
      Map<String, List<String>> canonical) {

    public Reading {
      backends = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
      rulesets = Collections.unmodifiableMap(new LinkedHashMap<>(rulesets));
      Map<String, List<String>> copy = new LinkedHashMap<>();
      canonical.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      canonical = Collections.unmodifiableMap(copy);
    }

    public SavedRuleset ruleset(Family family) {
      return rulesets.getOrDefault(family, SavedRuleset.empty());
    }
  }
}
