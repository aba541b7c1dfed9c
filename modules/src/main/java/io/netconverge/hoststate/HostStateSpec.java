package io.netconverge.hoststate;

import io.netconverge.core.spec.Validated;
import io.netconverge.nftables.NftTableSpec;
import io.netconverge.sysctl.SysctlKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The file form of a host state ({@code kind: HostState}). Each key is one module's section; the
 * sections are turned into the model by {@link HostState#from(HostStateSpec)}.
 *
 * @param apiVersion checked by the loader; optional inside an inventory
 * @param kind checked by the loader; optional inside an inventory
 * @param sysctl kernel parameters by dotted name
 * @param nftables nft tables owned whole, each with its definition in nft syntax
 */
public record HostStateSpec(
    String apiVersion, String kind, Map<SysctlKey, String> sysctl, List<NftTableSpec> nftables)
    implements Validated {

  public HostStateSpec {
    sysctl = sysctl == null ? Map.of() : new LinkedHashMap<>(sysctl);
    nftables = nftables == null ? List.of() : new ArrayList<>(nftables);
  }

  @Override
  public void validate() {
    for (var e : sysctl.entrySet()) {
      if (e.getValue() == null) {
        throw new io.netconverge.core.spec.SpecViolation(
            "sysctl" + pathKey(e.getKey().name()), "a value is required");
      }
    }
    NftTableSpec.validate(nftables, "nftables");
  }

  static String pathKey(String key) {
    return "[\"" + key + "\"]";
  }
}
