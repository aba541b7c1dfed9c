package io.netconverge.iptables;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.hoststate.Assembly;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.hoststate.ModuleRegistration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@code iptables} section: owned iptables and ip6tables chains. */
public final class IptablesModule implements ModuleRegistration<List<IptablesChainSpec>> {

  public static final IptablesModule REGISTRATION = new IptablesModule();

  private IptablesModule() {}

  @Override
  public List<String> keys() {
    return List.of("iptables");
  }

  @Override
  public int order() {
    return 50;
  }

  @Override
  public List<IptablesChainSpec> section(HostStateSpec spec) {
    return spec.iptables();
  }

  @Override
  public void check(
      List<IptablesChainSpec> iptables, HostStateSpec spec, List<SpecViolation> problems) {
    List<SpecViolation> found = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < iptables.size(); i++) {
      IptablesChainSpec chain = iptables.get(i);
      if (chain == null) {
        found.add(new SpecViolation("iptables[" + i + "]", "an empty entry"));
        continue;
      }
      try {
        chain.validate("iptables[" + i + "]");
      } catch (SpecViolation v) {
        found.add(v);
        continue;
      }
      Integer first = seen.putIfAbsent(chain.key(), i);
      if (first != null) {
        found.add(
            new SpecViolation(
                "iptables[" + i + "].chain",
                chain.key() + " is declared twice (also at iptables[" + first + "])"));
      }
    }
    if (!found.isEmpty()) {
      problems.add(SpecViolation.all(found));
    }
  }

  @Override
  public void declare(List<IptablesChainSpec> specs, Assembly into) {
    List<IptablesChain> chains = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      chains.add(IptablesChain.from(specs.get(i), "iptables[" + i + "]"));
    }
    // A profile alone, backend nftables: only its own chains of the iptables backend are looked
    // for, and removed.
    IptablesResource resource =
        into.spec()
            .retiredIptablesChains()
            .map(sweep -> IptablesResource.sweeping(sweep, into.source()))
            .orElseGet(() -> new IptablesResource(into.source()));
    into.add(new Declared<>(resource, IptablesState.declared(chains)));
  }
}
