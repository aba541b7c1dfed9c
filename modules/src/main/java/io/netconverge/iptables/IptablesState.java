package io.netconverge.iptables;

import io.netconverge.core.net.Family;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
   * @param nftTables for a family on iptables-nft whose nft chains were listed: by iptables table
   *     (filter, mangle, nat, raw), the built-in chains that exist as nft base chains; a table that
   *     is not there has no entry. iptables-nft-save prints every built-in chain of a table whether
   *     or not it exists, so only this tells an empty base chain (or table) made by an apply from
   *     none. A family not listed here was not looked at
   */
  public record Reading(
      Map<Family, IptablesBackend> backends,
      Map<Family, SavedRuleset> rulesets,
      Map<String, List<String>> canonical,
      Map<Family, Map<String, Set<String>>> nftTables) {

    public Reading {
      backends = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
      rulesets = Collections.unmodifiableMap(new LinkedHashMap<>(rulesets));
      Map<String, List<String>> copy = new LinkedHashMap<>();
      canonical.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      canonical = Collections.unmodifiableMap(copy);
      Map<Family, Map<String, Set<String>>> tables = new LinkedHashMap<>();
      nftTables.forEach(
          (family, byTable) -> {
            Map<String, Set<String>> t = new LinkedHashMap<>();
            byTable.forEach((table, chains) -> t.put(table, Set.copyOf(chains)));
            tables.put(family, Collections.unmodifiableMap(t));
          });
      nftTables = Collections.unmodifiableMap(tables);
    }

    /** A reading whose nft base chains were not looked at. */
    public Reading(
        Map<Family, IptablesBackend> backends,
        Map<Family, SavedRuleset> rulesets,
        Map<String, List<String>> canonical) {
      this(backends, rulesets, canonical, Map.of());
    }

    public SavedRuleset ruleset(Family family) {
      return rulesets.getOrDefault(family, SavedRuleset.empty());
    }
  }
}
