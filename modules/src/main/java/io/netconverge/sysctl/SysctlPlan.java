package io.netconverge.sysctl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The values to write, in order. */
public record SysctlPlan(Map<SysctlKey, String> writes) {

  public SysctlPlan {
    writes = Collections.unmodifiableMap(new LinkedHashMap<>(writes));
  }
}
