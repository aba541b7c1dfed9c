package io.netconverge.hoststate;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.core.spec.SpecSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the modules of a host state are assembled into, one {@link ModuleRegistration#declare} after
 * another: the resources in run order, and the interfaces a sandbox must build.
 */
public final class Assembly {

  private final SpecSource source;
  private final Path namesDir;
  private final HostStateSpec spec;
  private final List<Declared<?, ?>> declared = new ArrayList<>();
  private final Map<String, SandboxInterface> interfaces = new LinkedHashMap<>();
  private final Map<String, List<String>> ownAddresses = new LinkedHashMap<>();

  Assembly(SpecSource source, Path namesDir, HostStateSpec spec) {
    this.source = source;
    this.namesDir = namesDir;
    this.spec = spec;
  }

  /** The file the spec was read from, to name a line when a target's tool rejects it. */
  public SpecSource source() {
    return source;
  }

  /** Where iproute2's names (tables, protocols) are written on the target. */
  public Path namesDir() {
    return namesDir;
  }

  /** The whole host state, with any profile expanded: for modules that read other sections. */
  public HostStateSpec spec() {
    return spec;
  }

  /** Adds a module's resources; they run in the order added. */
  public Assembly add(Declared<?, ?> resources) {
    declared.add(Objects.requireNonNull(resources, "resources"));
    return this;
  }

  /** An interface the module names, merged with what other modules say about it. */
  public Assembly sandboxInterface(SandboxInterface itf) {
    interfaces.merge(itf.name(), itf, SandboxInterface::merge);
    return this;
  }

  /**
   * The addresses an interface has, declared by the module that owns them (links): in a sandbox the
   * interface gets exactly these, instead of the ones other modules guess from routes.
   */
  public Assembly sandboxAddresses(String itf, List<String> addresses) {
    ownAddresses.merge(
        itf,
        List.copyOf(addresses),
        (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).distinct().toList());
    sandboxInterface(new SandboxInterface(itf, List.of(), List.of()));
    return this;
  }

  HostState build() {
    List<SandboxInterface> all = new ArrayList<>();
    for (SandboxInterface itf : interfaces.values()) {
      List<String> own = ownAddresses.get(itf.name());
      all.add(
          own == null || own.isEmpty()
              ? itf
              : new SandboxInterface(itf.name(), own, itf.gateways(), itf.leases()));
    }
    return new HostState(declared, all);
  }
}
