package io.netconverge.hoststate;

import io.netconverge.core.spec.SpecViolation;
import io.netconverge.core.spec.Validated;
import io.netconverge.iptables.IptablesChainSpec;
import io.netconverge.sysctl.SysctlKey;
import java.util.HashMap;
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
 * @param iptables owned iptables/ip6tables chains; null when the file has no {@code iptables} key
 *     (then netconverge does not look at iptables at all), empty for {@code iptables: []} (then
 *     chains it created earlier are removed)
 */
public record HostStateSpec(
    String apiVersion, String kind, Map<SysctlKey, String> sysctl, List<IptablesChainSpec> iptables)
    implements Validated {

  public HostStateSpec {
    sysctl = sysctl == null ? Map.of() : new LinkedHashMap<>(sysctl);
    iptables = iptables == null ? null : List.copyOf(iptables);
  }

  @Override
  public void validate() {
    for (var e : sysctl.entrySet()) {
      if (e.getValue() == null) {
        throw new SpecViolation("sysctl" + pathKey(e.getKey().name()), "a value is required");
      }
    }
    if (iptables != null) {
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < iptables.size(); i++) {
        IptablesChainSpec chain = iptables.get(i);
        if (chain == null) {
          throw new SpecViolation("iptables[" + i + "]", "an empty entry");
        }
        chain.validate("iptables[" + i + "]");
        Integer first = seen.putIfAbsent(chain.key(), i);
        if (first != null) {
          throw new SpecViolation(
              "iptables[" + i + "].chain",
              chain.key() + " is declared twice (also at iptables[" + first + "])");
        }
      }
    }
  }

  static String pathKey(String key) {
    return "[\"" + key + "\"]";
  }
}
