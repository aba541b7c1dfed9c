package io.netconverge.hoststate;

import io.netconverge.core.spec.Validated;
import io.netconverge.sysctl.SysctlKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The file form of a host state ({@code kind: HostState}). Each key is one module's section; the
 * sections are turned into the model by {@link HostState#from(HostStateSpec)}.
 *
 * @param apiVersion checked by the loader; optional inside an inventory
 * @param kind checked by the loader; optional inside an inventory
 * @param sysctl kernel parameters by dotted name
 */
public record HostStateSpec(String apiVersion, String kind, Map<SysctlKey, String> sysctl)
    implements Validated {

  public HostStateSpec {
    sysctl = sysctl == null ? Map.of() : new LinkedHashMap<>(sysctl);
  }

  @Override
  public void validate() {
    for (var e : sysctl.entrySet()) {
      if (e.getValue() == null) {
        throw new io.netconverge.core.spec.SpecViolation(
            "sysctl" + pathKey(e.getKey().name()), "a value is required");
      }
    }
  }

  static String pathKey(String key) {
    return "[\"" + key + "\"]";
  }
}
