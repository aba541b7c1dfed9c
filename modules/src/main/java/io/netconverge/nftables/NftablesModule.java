package io.netconverge.nftables;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.hoststate.Assembly;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.hoststate.ModuleRegistration;
import java.util.List;

/** The {@code nftables} section: tables owned whole. */
public final class NftablesModule implements ModuleRegistration<List<NftTableSpec>> {

  public static final NftablesModule REGISTRATION = new NftablesModule();

  private NftablesModule() {}

  @Override
  public List<String> keys() {
    return List.of("nftables");
  }

  @Override
  public int order() {
    return 40;
  }

  @Override
  public List<NftTableSpec> section(HostStateSpec spec) {
    return spec.nftables();
  }

  @Override
  public void check(List<NftTableSpec> tables, HostStateSpec spec, List<SpecViolation> found) {
    try {
      NftTableSpec.validate(tables, "nftables");
    } catch (SpecViolation v) {
      found.add(v);
    }
  }

  @Override
  public void declare(List<NftTableSpec> tables, Assembly into) {
    // Only the file's own nftables key sweeps: a profile's table alone leaves other tables be.
    NftState declared = NftState.declared(tables, into.source());
    List<NftTableName> retired = into.spec().retiredNftTables();
    if (!retired.isEmpty()) {
      // A profile's table of a backend it no longer uses: absent, when it is there.
      List<NftTable> all = new java.util.ArrayList<>(declared.tables());
      retired.forEach(name -> all.add(NftTable.absent(name)));
      declared = NftState.of(all);
    }
    into.add(new Declared<>(new NftablesResource(into.spec().ownsNftTables()), declared));
  }
}
