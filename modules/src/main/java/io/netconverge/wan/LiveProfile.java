package io.netconverge.wan;

import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.hoststate.HostStateSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * What a host state with a dualWan profile is made from, kept so that each converge makes it again
 * for the host as it is then: the WANs' gateways learnt from DHCP or router advertisements, and
 * without what a WAN that is down, missing or without a gateway cannot take yet ({@link
 * LiveHostState}).
 *
 * @param spec the valid host state file, profile unexpanded
 * @param source where it was read from, to name lines in errors
 * @param iproute2Dir where the host's iproute2 names go
 */
public record LiveProfile(HostStateSpec spec, SpecSource source, Path iproute2Dir) {

  public LiveProfile {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(iproute2Dir, "iproute2Dir");
    if (spec.dualWan() == null) {
      throw new IllegalArgumentException("a live profile needs a dualWan section");
    }
  }

  /**
   * The host state for the host whose WANs are {@code facts}.
   *
   * @param health what tracking says of each WAN by name; a WAN not in it is untracked
   */
  public LiveHostState resolve(WanFacts facts, Map<String, Health> health)
      throws InvalidSpecException {
    return LiveHostState.resolve(spec, source, iproute2Dir, facts, health);
  }
}
