package io.netconverge.wan;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.engine.Runner;
import io.netconverge.core.engine.Safeguard;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Plan or apply a host state whose dualWan profile depends on the host: the WAN facts are read (one
 * process), the host state is made for them ({@link LiveHostState}), then the runner converges it
 * as any other. A host state without the profile is converged as it is.
 */
public final class LiveConverge {

  private final Progress progress;
  private final java.util.function.BooleanSupplier cancelled;

  public LiveConverge(Progress progress) {
    this(progress, () -> false);
  }

  /**
   * @param cancelled asked by the runner before every step and every command (see {@link Runner})
   */
  public LiveConverge(Progress progress, java.util.function.BooleanSupplier cancelled) {
    this.progress = progress;
    this.cancelled = cancelled;
  }

  /** The folder of iproute2's name files a plain load would use. */
  public static Path defaultIproute2Dir() {
    return Path.of(System.getProperty(HostState.IPROUTE2_DIR_PROPERTY, "/etc/iproute2"));
  }

  public LiveReport run(
      Mode mode,
      HostStateSpec spec,
      SpecSource source,
      Path iproute2Dir,
      Target target,
      Map<String, Health> health) {
    return run(mode, spec, source, iproute2Dir, target, health, null);
  }

  /**
   * @param onlyKinds when not null, converge only the modules of these kinds ({@code route-tables},
   *     {@code ip-rules}, ...): what a failover changes first
   */
  public LiveReport run(
      Mode mode,
      HostStateSpec spec,
      SpecSource source,
      Path iproute2Dir,
      Target target,
      Map<String, Health> health,
      java.util.Set<String> onlyKinds) {
    return run(
        mode, spec, source, iproute2Dir, target, health, onlyKinds, Safeguard.NONE, progress);
  }

  /**
   * An apply with {@code safeguard} armed before its first change (see {@link Runner#apply(Target,
   * List, Safeguard)}), telling {@code told} what it does.
   */
  public LiveReport run(
      Mode mode,
      HostStateSpec spec,
      SpecSource source,
      Path iproute2Dir,
      Target target,
      Map<String, Health> health,
      java.util.Set<String> onlyKinds,
      Safeguard safeguard,
      Progress told) {
    Runner runner = new Runner(told, cancelled);
    LiveHostState live;
    if (spec.dualWan() == null) {
      try {
        live = new LiveHostState(HostState.from(spec, source, iproute2Dir), List.of());
      } catch (io.netconverge.core.spec.InvalidSpecException e) {
        return new LiveReport(
            HostReport.failed(
                target.name(),
                mode,
                List.of(),
                io.netconverge.core.engine.Failure.of(e.getMessage())),
            List.of());
      }
    } else {
      try {
        WanFacts facts = WanFacts.read(target.executor());
        live = LiveHostState.resolve(spec, source, iproute2Dir, facts, health);
      } catch (ExecException
          | IllegalArgumentException
          | io.netconverge.core.spec.InvalidSpecException e) {
        return new LiveReport(
            HostReport.failed(
                target.name(),
                mode,
                List.of(),
                io.netconverge.core.engine.Failure.of("cannot read the WANs: " + e.getMessage())),
            List.of());
      }
    }
    List<Declared<?, ?>> declared =
        live.state().declared().stream()
            .filter(d -> onlyKinds == null || onlyKinds.contains(d.module().kind()))
            .toList();
    HostReport report =
        mode == Mode.PLAN
            ? runner.plan(target, declared)
            : runner.apply(target, declared, safeguard);
    return new LiveReport(report, live.wans());
  }
}
