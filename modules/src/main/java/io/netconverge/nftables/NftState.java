package io.netconverge.nftables;

import io.netconverge.core.spec.SpecSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The owned nft tables of a host state. A state read from a host also carries how that host's nft
 * prints both sides ({@link TableForm}s): the declared definitions loaded into a throw-away
 * namespace, and the live tables. Comparing those two, both printed by the same nft, is what makes
 * spelling differences vanish without guessing how nft prints anything.
 *
 * @param tables the owned tables, in declared order
 * @param declaredForms the declared tables as the target's nft prints them (read states only)
 * @param liveForms the live tables as the target's nft prints them (read states only; an absent
 *     table has no entry)
 */
public record NftState(
    List<NftTable> tables,
    Map<NftTableName, TableForm> declaredForms,
    Map<NftTableName, TableForm> liveForms) {

  public NftState {
    tables = List.copyOf(tables);
    declaredForms = Collections.unmodifiableMap(new LinkedHashMap<>(declaredForms));
    liveForms = Collections.unmodifiableMap(new LinkedHashMap<>(liveForms));
  }

  public static NftState of(List<NftTable> tables) {
    return new NftState(tables, Map.of(), Map.of());
  }

  /** The declared state of a host state file's {@code nftables:} list. */
  public static NftState declared(List<NftTableSpec> specs, SpecSource source) {
    List<NftTable> tables = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      NftTableSpec spec = specs.get(i);
      tables.add(
          new NftTable(
              spec.table(),
              Optional.of(spec.definition()),
              source.origin("nftables[" + i + "].definition")));
    }
    return of(tables);
  }
}
