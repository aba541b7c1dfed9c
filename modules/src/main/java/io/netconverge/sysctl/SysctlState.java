package io.netconverge.sysctl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Sysctl values by key, in the order they were declared (the order they are written in). */
public record SysctlState(Map<SysctlKey, String> values) {

  public SysctlState {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** Values compared as the kernel prints them: runs of white space are one space. */
  public static String canonical(String value) {
    return value.strip().replaceAll("\\s+", " ");
  }
}
