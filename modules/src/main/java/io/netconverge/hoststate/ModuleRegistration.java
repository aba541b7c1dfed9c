package io.netconverge.hoststate;

import io.netconverge.core.spec.SpecViolation;
import java.util.List;

/**
 * How one module takes part in a host state: the file keys it reads, how its section is checked,
 * where its resources go in the run, the interfaces it names for a sandbox, and how its {@link
 * io.netconverge.core.engine.Declared} is built. Every module is one line of {@link Modules#ALL};
 * {@link HostState#from} and {@link HostStateSpec#validate()} only walk that list.
 *
 * <p>A module added later has a section of its own ({@link SectionModule}): the file key is bound
 * to its type by the loader, with the same strictness (unknown keys, types, values located at the
 * line). The modules that came first keep their sections as the components of {@link
 * HostStateSpec}; their registration reads them from there.
 *
 * @param <T> the module's section as it is read from a host state spec
 */
public interface ModuleRegistration<T> {

  /** The file keys this module reads, its own section's first. */
  List<String> keys();

  /**
   * Where the module's resources go in a run (lower first): sysctls 10, links 20, routing 30,
   * nftables 40, iptables 50, the dualWan profile 60. Checks run in the same order.
   */
  int order();

  /** The module's section of {@code spec}; null when the file has none. */
  T section(HostStateSpec spec);

  /**
   * Checks what binding cannot. Problems are added to {@code found}, with field paths from the
   * file's root; those of the modules before this one are already there.
   */
  default void check(T section, HostStateSpec spec, List<SpecViolation> found) {}

  /**
   * A profile (dualWan) stands for other modules' sections: it is checked last, declares only the
   * interfaces it names, and the other modules see what it {@link HostStateSpec#expanded() expands}
   * into.
   */
  default boolean profile() {
    return false;
  }

  /** Adds the module's resources and the interfaces they name. Called with a non-null section. */
  void declare(T section, Assembly into);
}
