package io.netconverge;

import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.engine.Runner;
import io.netconverge.core.engine.Safeguard;
import io.netconverge.core.engine.Target;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.inventory.Inventory;
import io.netconverge.inventory.InventorySpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The library entry point: load a host state, plan or apply it on a target. No global state, no
 * {@code System.exit}; every result is a value.
 *
 * <pre>{@code
 * HostState state = Netconverge.load(Path.of("router.yaml"));
 * HostReport report = Netconverge.apply(state, Host.netns("edge"), Progress.NONE);
 * }</pre>
 *
 * <p>{@link Converger} does the same with more say: async runs, cancel, fleets, a names folder,
 * confirm-or-revert; plan and apply here run through it, so a dualWan profile is made for the
 * host's live WANs either way.
 */
public final class Netconverge {

  private Netconverge() {}

  /** The loader for every kind of file this version reads. */
  public static SpecLoader loader() {
    return new SpecLoader(
        Map.of("HostState", HostStateSpec.class, "Inventory", InventorySpec.class));
  }

  /** Loads and validates a host state file; nothing runs on any host. */
  public static HostState load(Path file) throws InvalidSpecException {
    return HostState.fromLoaded(loader().loadWithSource(file, HostStateSpec.class));
  }

  /**
   * Loads a host state whose iproute2 name files (rt_tables.d, rt_protos.d) live in {@code
   * iproute2Dir} instead of /etc/iproute2: what a sandbox uses so that the host's /etc is
   * untouched.
   */
  public static HostState load(Path file, Path iproute2Dir) throws InvalidSpecException {
    return HostState.fromLoaded(loader().loadWithSource(file, HostStateSpec.class), iproute2Dir);
  }

  /**
   * Loads an inventory and every host state it names or holds; nothing runs on any host. Problems
   * name the file they are in, its line and field.
   */
  public static Inventory loadInventory(Path file) throws InvalidSpecException {
    return Inventory.load(loader(), file);
  }

  /** Like {@link #loadInventory(Path)}, with every host's iproute2 names in {@code namesDir}. */
  public static Inventory loadInventory(Path file, Path namesDir) throws InvalidSpecException {
    return Inventory.load(loader(), file, namesDir);
  }

  /** The {@code kind:} of a file, checked (apiVersion, a known kind), without binding it. */
  public static String kindOf(Path file) throws InvalidSpecException {
    return loader().kindOf(SpecLoader.read(file), file.toString());
  }

  /** Parses host state text; {@code source} names it in error messages. */
  public static HostState parse(String yaml, String source) throws InvalidSpecException {
    return HostState.fromLoaded(loader().parseWithSource(yaml, source, HostStateSpec.class));
  }

  /**
   * Plans the state on the calling thread, changing nothing. A dualWan profile is made for the
   * host's WANs as they are now, like {@link Converger#plan} does: the report names what waits for
   * them ({@link HostReport#pendingParts()}).
   */
  public static HostReport plan(HostState state, Target target, Progress progress) {
    try (Converger converger = Converger.builder().progress(progress).build()) {
      return converger.plan(state, target);
    }
  }

  /**
   * Applies the state on the calling thread, like {@link Converger#apply}: a dualWan profile is
   * made for the host's WANs as they are (a WAN interface this apply brings up is read again once
   * up), and an earlier apply awaiting its confirm is refused first.
   */
  public static HostReport apply(HostState state, Target target, Progress progress) {
    try (Converger converger = Converger.builder().progress(progress).build()) {
      return converger.apply(state, target);
    }
  }

  /**
   * Applies, stopping between two commands once {@code cancelled} says so (the snapshot is then
   * restored and the report says "interrupted"), with {@code safeguard} armed before the first
   * change (e.g. a {@link io.netconverge.trust.Reverter} on the target). Runs the state as
   * declared: a dualWan profile is not made again for the host's live WANs here.
   */
  public static HostReport apply(
      HostState state,
      Target target,
      Progress progress,
      BooleanSupplier cancelled,
      Safeguard safeguard) {
    return new Runner(progress, cancelled).apply(target, state.declared(), safeguard);
  }
}
