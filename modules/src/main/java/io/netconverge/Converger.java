package io.netconverge;

import io.netconverge.core.engine.ConvergeEvent;
import io.netconverge.core.engine.Declared;
import io.netconverge.core.engine.Failure;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.PendingPart;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.engine.Runner;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.hoststate.HostState;
import io.netconverge.inventory.Inventory;
import io.netconverge.trust.ConfirmCheck;
import io.netconverge.trust.ConfirmOrRevert;
import io.netconverge.trust.PendingPersist;
import io.netconverge.trust.Reverter;
import io.netconverge.wan.Health;
import io.netconverge.wan.LiveHostState;
import io.netconverge.wan.LiveReport;
import io.netconverge.wan.WanCheck;
import io.netconverge.wan.WanFacts;
import io.netconverge.wan.WanStatus;
import io.netconverge.wan.WatchState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The library's way to converge: one host or a fleet, now or in the background.
 *
 * <pre>{@code
 * try (Converger converger = Converger.builder().progress(System.out::println).build()) {
 *   HostState state = converger.load(Path.of("router.yaml"));
 *   HostReport report = converger.apply(state, Host.netns("edge"));
 * }
 * }</pre>
 *
 * <p>Plans and applies of one host run on the calling thread ({@link #plan}, {@link #apply}) or on
 * the executor service ({@link #planAsync}, {@link #applyAsync}). A fleet run ({@link #run}) works
 * on up to {@code forks} hosts at a time on the executor service; each host's report reaches the
 * progress listener as a {@link ConvergeEvent.HostFinished} as soon as that host is done, and the
 * fleet's report lists the hosts in the order they were given.
 *
 * <p>Every converge of a host state with a dualWan profile (one host or a fleet, plan or apply)
 * first reads that host's WANs and makes the state for them: gateways learnt from DHCP or router
 * advertisements, and without what a WAN that is down, missing or without its gateway cannot take
 * yet; those parts are in the report ({@link HostReport#pendingParts()}), the rest converges. A WAN
 * interface that is down and that the state's links bring up (a router at boot) is pending in the
 * plan with a reason that says so; an apply without confirm-or-revert brings it up, reads the WANs
 * again and converges the routes of those that then have carrier, in the same apply. With
 * confirm-or-revert they stay pending until the next converge (one reverter restores one step).
 *
 * <p>Cancelling a future returned here stops the work before its next step: a command that runs is
 * never cut short, an apply that has begun puts back the state it read before it (its report, with
 * status CANCELLED, still reaches the listener), and hosts of a fleet that had not begun are not
 * touched.
 *
 * <p>A host that carries the way in can be applied with confirm-or-revert ({@link
 * Builder#confirmTimeout}): a {@link Reverter} armed on the target before the first change puts
 * back the state read before apply unless confirmed in time ({@link Builder#confirmWhenHealthy}, or
 * {@link #confirm}). A fleet can be rolled out in batches ({@link Builder#serial}, {@link
 * Builder#maxFailPercent}): each batch done (and confirmed) before the next, stopping when too many
 * of a batch failed.
 *
 * <p>Nothing here prints: what happens is told through the progress listener and, at debug level,
 * slf4j (every command with its argv, exit code and duration).
 */
public final class Converger implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Converger.class);

  /** Hosts of a fleet converged at a time, unless the builder says otherwise. */
  public static final int DEFAULT_FORKS = 10;

  private final ExecutorService executor;
  private final boolean ownsExecutor;
  private final Progress progress;
  private final int forks;
  private final Optional<Path> namesDir;
  private final Optional<ConfirmOrRevert> confirm;
  private final Optional<Integer> serial;
  private final int maxFailPercent;
  private final Function<Target, Map<String, Health>> health;

  private Converger(Builder b) {
    if (b.confirmWhenHealthy && b.confirmTimeout == null) {
      throw new IllegalStateException("confirmWhenHealthy needs a confirmTimeout");
    }
    if (b.persistOnConfirm != null && b.confirmTimeout == null) {
      throw new IllegalStateException("persistOnConfirm needs a confirmTimeout");
    }
    if (b.maxFailPercent != null && b.serial == null) {
      throw new IllegalStateException("maxFailPercent needs serial");
    }
    this.ownsExecutor = b.executor == null;
    this.executor = b.executor != null ? b.executor : defaultExecutor();
    this.progress = b.progress;
    this.forks = b.forks;
    this.namesDir = Optional.ofNullable(b.namesDir);
    // In a rollout, a batch is confirmed when healthy before the next one starts.
    this.confirm =
        Optional.ofNullable(b.confirmTimeout)
            .map(
                t ->
                    new ConfirmOrRevert(
                        t,
                        b.confirmWhenHealthy || b.serial != null,
                        Optional.ofNullable(b.persistOnConfirm)));
    this.serial = Optional.ofNullable(b.serial);
    this.maxFailPercent = b.maxFailPercent == null ? 0 : b.maxFailPercent;
    this.health = b.health;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A converger with the defaults: its own threads, no listener, /etc/iproute2. */
  public static Converger create() {
    return builder().build();
  }

  /** How a converger is made; every setting has a default. */
  public static final class Builder {
    private ExecutorService executor;
    private Progress progress = Progress.NONE;
    private int forks = DEFAULT_FORKS;
    private Path namesDir;
    private Duration confirmTimeout;
    private boolean confirmWhenHealthy;
    private PendingPersist persistOnConfirm;
    private Integer serial;
    private Integer maxFailPercent;
    private Function<Target, Map<String, Health>> health =
        target -> WatchState.healthOfRunningWatch(target.executor());

    private Builder() {}

    /**
     * Applies with confirm-or-revert: before the first change, a {@link Reverter} is armed on the
     * target that puts back the state read before apply once {@code timeout} is over, unless the
     * apply is confirmed first ({@link #confirmWhenHealthy}, {@link Converger#confirm}). It runs on
     * the target, detached from the connection, so it also restores a host whose change cut the
     * controller off. At least 1s.
     */
    public Builder confirmTimeout(Duration timeout) {
      new ConfirmOrRevert(timeout, false); // checks it
      this.confirmTimeout = timeout;
      return this;
    }

    /**
     * With {@link #confirmTimeout}: after apply, confirm by itself when a command through a new
     * connection to the host still runs (the way in still works) and, for a host state with a
     * dualWan profile, every tracked WAN that was usable before the apply passes its probe through
     * the host ({@link WanCheck}: rounds until it passes one or fails its {@code down} count, well
     * inside the timeout); else the reverter restores. Untracked WANs cannot be probed and are not
     * part of the check.
     */
    public Builder confirmWhenHealthy() {
      this.confirmWhenHealthy = true;
      return this;
    }

    /**
     * With {@link #confirmTimeout}: once an apply stands, save {@code persist} for boot on the
     * target and enable its unit: at the confirm (the file waits with the reverter until then, and
     * a revert drops it, so a state nobody confirmed never returns at boot), or at once when the
     * apply found nothing to change. A failure to save or enable fails the host's report (the
     * applied state stays).
     */
    public Builder persistOnConfirm(PendingPersist persist) {
      this.persistOnConfirm = Objects.requireNonNull(persist, "persist");
      return this;
    }

    /**
     * A fleet apply rolls out {@code hosts} hosts at a time: each batch is done (and, with {@link
     * #confirmTimeout}, confirmed when healthy) before the next begins; see {@link
     * #maxFailPercent}. Plans are not batched.
     */
    public Builder serial(int hosts) {
      if (hosts < 1) {
        throw new IllegalArgumentException("serial must be at least 1, not " + hosts);
      }
      this.serial = hosts;
      return this;
    }

    /**
     * With {@link #serial}: the rollout stops after a batch of which more than {@code percent} % of
     * the hosts did not converge (default 0: any failure stops it); the hosts after it are reported
     * as not run.
     */
    public Builder maxFailPercent(int percent) {
      if (percent < 0 || percent > 100) {
        throw new IllegalArgumentException("maxFailPercent must be 0..100, not " + percent);
      }
      this.maxFailPercent = percent;
      return this;
    }

    /**
     * The threads async and fleet runs use. A service given here is the caller's: {@link
     * Converger#close()} leaves it running. By default the converger makes daemon threads of its
     * own (as many as the work needs) and stops them on close.
     */
    public Builder executorService(ExecutorService service) {
      this.executor = Objects.requireNonNull(service, "service");
      return this;
    }

    /** Receives every event of every host; called on the threads that converge the hosts. */
    public Builder progress(Progress listener) {
      this.progress = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** How many hosts of a fleet are converged at a time (default 10). */
    public Builder forks(int forks) {
      if (forks < 1) {
        throw new IllegalArgumentException("forks must be at least 1, not " + forks);
      }
      this.forks = forks;
      return this;
    }

    /**
     * The iproute2 folder whose {@code rt_tables.d} and {@code rt_protos.d} receive the names of
     * declared tables and of the protocol, instead of {@code /etc/iproute2}: for hosts built with
     * another CONFDIR, sandboxes and tests. Files loaded through this converger use it.
     */
    public Builder namesDir(Path dir) {
      this.namesDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * What health tracking says of each WAN of a host, by WAN name, for hosts with a dualWan
     * profile: a WAN tracked down leaves the outbound default. By default, what the {@code converge
     * watch} running for that host found (none: every WAN counts as untracked).
     */
    public Builder health(Function<Target, Map<String, Health>> health) {
      this.health = Objects.requireNonNull(health, "health");
      return this;
    }

    public Converger build() {
      return new Converger(this);
    }
  }

  /** Loads and validates a host state file (with this converger's names folder). */
  public HostState load(Path file) throws InvalidSpecException {
    return namesDir.isPresent() ? Netconverge.load(file, namesDir.get()) : Netconverge.load(file);
  }

  /** Loads an inventory and every host state it names (with this converger's names folder). */
  public Inventory loadInventory(Path file) throws InvalidSpecException {
    return namesDir.isPresent()
        ? Netconverge.loadInventory(file, namesDir.get())
        : Netconverge.loadInventory(file);
  }

  /** Reads the host and diffs it against the state; changes nothing. On the calling thread. */
  public HostReport plan(HostState state, Target target) {
    return converge(
        Mode.PLAN, new FleetHost(target, state), () -> false, new ConcurrentHashMap<>());
  }

  /** Makes the host what the state declares (see {@link Runner}). On the calling thread. */
  public HostReport apply(HostState state, Target target) {
    return converge(
        Mode.APPLY, new FleetHost(target, state), () -> false, new ConcurrentHashMap<>());
  }

  public HostReport run(Mode mode, HostState state, Target target) {
    return converge(mode, new FleetHost(target, state), () -> false, new ConcurrentHashMap<>());
  }

  /**
   * One host on the calling thread, stopping before its next step once {@code cancelled} says so
   * (e.g. on a signal): its report and, for a dualWan profile, its WANs as the converge found them
   * (link, gateways, health, pending parts).
   */
  public LiveReport runOne(Mode mode, FleetHost host, BooleanSupplier cancelled) {
    Map<String, List<WanStatus>> wans = new ConcurrentHashMap<>();
    HostReport report = converge(mode, host, cancelled, wans);
    return new LiveReport(report, wans.getOrDefault(host.name(), List.of()));
  }

  public CompletableFuture<HostReport> planAsync(HostState state, Target target) {
    return runAsync(Mode.PLAN, state, target);
  }

  public CompletableFuture<HostReport> applyAsync(HostState state, Target target) {
    return runAsync(Mode.APPLY, state, target);
  }

  /** One host on the executor service; cancelling the future stops it before its next step. */
  public CompletableFuture<HostReport> runAsync(Mode mode, HostState state, Target target) {
    FleetHost host = new FleetHost(target, state);
    Cancellable<HostReport> future = new Cancellable<>(new AtomicBoolean());
    executor.execute(
        () -> {
          if (!future.isDone()) {
            future.complete(converge(mode, host, future.flag::get, new ConcurrentHashMap<>()));
          }
        });
    return future;
  }

  /** Converges a fleet, {@code forks} hosts at a time, and waits for every host. */
  public FleetReport run(Mode mode, List<FleetHost> hosts) {
    try {
      return runAsync(mode, hosts).join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /**
   * Converges a fleet in the background, {@code forks} hosts at a time (an apply with {@link
   * Builder#serial}: batch after batch). Each host's report reaches the progress listener as soon
   * as that host is done; the future's report lists every host in the order given. Cancelling it
   * stops every host before its next step; hosts not begun are reported as not run (CANCELLED).
   */
  public CompletableFuture<FleetReport> runAsync(Mode mode, List<FleetHost> hosts) {
    List<FleetHost> all = List.copyOf(hosts);
    Cancellable<FleetReport> future = new Cancellable<>(new AtomicBoolean());
    List<List<FleetHost>> batches = batchesOf(mode, all);
    nextBatch(
        mode,
        batches,
        0,
        new ArrayList<>(),
        new ArrayList<>(),
        new ConcurrentHashMap<>(),
        future.flag::get,
        future);
    return future;
  }

  /**
   * Converges a fleet like {@link #run(Mode, List)}, stopping before the next step once {@code
   * cancelled} says so (e.g. on a signal): the hosts begun put back what they had changed, those
   * not begun are reported as not run, and every host's report is still returned.
   */
  public FleetReport run(Mode mode, List<FleetHost> hosts, BooleanSupplier cancelled) {
    CompletableFuture<FleetReport> future = new CompletableFuture<>();
    List<FleetHost> all = List.copyOf(hosts);
    List<List<FleetHost>> batches = batchesOf(mode, all);
    nextBatch(
        mode,
        batches,
        0,
        new ArrayList<>(),
        new ArrayList<>(),
        new ConcurrentHashMap<>(),
        cancelled,
        future);
    try {
      return future.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private List<List<FleetHost>> batchesOf(Mode mode, List<FleetHost> all) {
    if (mode == Mode.APPLY && serial.isPresent()) {
      return Rollout.batches(all, serial.get());
    }
    return all.isEmpty() ? List.of() : List.of(all);
  }

  /** Runs batch {@code i} (or ends the fleet run), then the one after it, unless it stops. */
  private void nextBatch(
      Mode mode,
      List<List<FleetHost>> batches,
      int i,
      List<HostReport> reports,
      List<FleetReport.Batch> ran,
      Map<String, List<WanStatus>> wans,
      BooleanSupplier cancelled,
      CompletableFuture<FleetReport> future) {
    Optional<String> stop = Optional.empty();
    if (i > 0 && serial.isPresent() && mode == Mode.APPLY) {
      List<HostReport> last =
          reports.subList(reports.size() - batches.get(i - 1).size(), reports.size());
      stop = Rollout.stopAfter(last, maxFailPercent);
    }
    if (stop.isEmpty() && i < batches.size() && cancelled.getAsBoolean()) {
      stop = Optional.of("cancelled");
    }
    if (i == batches.size() || stop.isPresent()) {
      for (int k = i; k < batches.size(); k++) {
        for (FleetHost h : batches.get(k)) {
          HostReport notRun = Rollout.notRun(h.name(), mode, stop.orElseThrow());
          reports.add(notRun);
          tell(new ConvergeEvent.HostFinished(h.name(), notRun));
        }
      }
      future.complete(new FleetReport(mode, reports, ran, stop, wans));
      return;
    }
    List<FleetHost> batch = batches.get(i);
    hostsAsync(mode, batch, wans, cancelled)
        .whenComplete(
            (done, error) -> {
              if (error != null) {
                future.completeExceptionally(error);
                return;
              }
              reports.addAll(done);
              ran.add(
                  new FleetReport.Batch(
                      batch.stream().map(FleetHost::name).toList(),
                      (int) done.stream().filter(Rollout::unsuccessful).count()));
              nextBatch(mode, batches, i + 1, reports, ran, wans, cancelled, future);
            });
  }

  /** Converges {@code hosts}, {@code forks} at a time; their reports in the order given. */
  private CompletableFuture<List<HostReport>> hostsAsync(
      Mode mode,
      List<FleetHost> all,
      Map<String, List<WanStatus>> wans,
      BooleanSupplier cancelled) {
    CompletableFuture<List<HostReport>> future = new CompletableFuture<>();
    AtomicReferenceArray<HostReport> reports = new AtomicReferenceArray<>(all.size());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Runnable worker =
        new Runnable() {
          @Override
          public void run() {
            int i = next.getAndIncrement();
            if (i >= all.size()) {
              return;
            }
            reports.set(i, converge(mode, all.get(i), cancelled, wans));
            if (done.incrementAndGet() == all.size()) {
              List<HostReport> ordered = new ArrayList<>(all.size());
              for (int k = 0; k < all.size(); k++) {
                ordered.add(reports.get(k));
              }
              future.complete(ordered);
            } else {
              executor.execute(this);
            }
          }
        };
    // Up to forks workers; each takes the next host when its own is done, so no thread ever waits
    // for a turn and an injected pool of any size works.
    for (int w = 0; w < Math.min(forks, all.size()); w++) {
      executor.execute(worker);
    }
    return future;
  }

  /**
   * Keeps what an apply with {@link Builder#confirmTimeout} applied: cancels the pending reverter
   * on the target. Idempotent: says NONE when nothing was pending (never armed, confirmed before,
   * or reverted already, with that revert's log).
   */
  public Reverter.ConfirmResult confirm(Target target)
      throws io.netconverge.core.exec.ExecException {
    return Reverter.confirm(target.executor());
  }

  private void tell(ConvergeEvent event) {
    try {
      progress.on(event);
    } catch (RuntimeException listener) {
      LOG.error("the progress listener failed", listener);
    }
  }

  /**
   * One host. A state with a dualWan profile is made again for the host's WANs as they are (one
   * process reads them): gateways learnt from DHCP or router advertisements, and without the parts
   * of a WAN that is down, missing or without its gateway, which the report names as pending.
   *
   * @param wans receives the host's WANs as found, by host name, when it has a dualWan profile
   */
  private HostReport converge(
      Mode mode, FleetHost host, BooleanSupplier cancelled, Map<String, List<WanStatus>> wans) {
    try {
      HostState state = host.state();
      List<PendingPart> parts = List.of();
      ConfirmCheck check = ConfirmCheck.NONE;
      LiveHostState live = null;
      if (state.live().isPresent()) {
        try {
          live = readWans(host);
        } catch (ExecException | IllegalArgumentException | InvalidSpecException e) {
          LOG.debug("cannot read the WANs of {}", host.name(), e);
          HostReport failed =
              HostReport.failed(
                  host.name(),
                  mode,
                  List.of(),
                  Failure.of("cannot read the WANs: " + e.getMessage()));
          tell(new ConvergeEvent.HostStarted(host.name(), mode));
          tell(new ConvergeEvent.HostFinished(host.name(), failed));
          return failed;
        }
        check = WanCheck.of(state.live().get().spec().dualWan().wans(), live.wans());
        state = live.state();
        wans.put(host.name(), live.wans());
        parts = live.pending();
      }
      List<Declared<?, ?>> declared = state.declared();
      List<PendingPart> pending = parts;
      // The runner tells the listener it is done before it returns: with the parts it left out.
      Progress told =
          pending.isEmpty()
              ? progress
              : event ->
                  progress.on(
                      event instanceof ConvergeEvent.HostFinished f
                          ? new ConvergeEvent.HostFinished(
                              f.host(), f.report().withPendingParts(pending))
                          : event);
      HostReport report;
      if (mode == Mode.PLAN) {
        report = new Runner(told, cancelled).plan(host.target(), declared);
      } else if (confirm.isEmpty() && live != null && live.awaitsApply()) {
        return applyBringingWansUp(host, declared, live, cancelled, wans);
      } else if (confirm.isEmpty()) {
        // An earlier apply awaiting its confirm would undo part of this one: refused first.
        report =
            new Runner(told, cancelled)
                .apply(host.target(), declared, io.netconverge.trust.Reverter.pendingGuard());
      } else {
        report =
            confirm
                .get()
                .apply(
                    host.target(),
                    host.fresh(),
                    check,
                    told,
                    (safeguard, inner) ->
                        new Runner(inner, cancelled).apply(host.target(), declared, safeguard));
      }
      return report.withPendingParts(pending);
    } catch (RuntimeException e) {
      // One host's bug (or its listener's) must not take the other hosts' results with it.
      LOG.error("internal error while converging {}", host.name(), e);
      HostReport failed =
          HostReport.failed(host.name(), mode, List.of(), Failure.of("internal error: " + e));
      tell(new ConvergeEvent.HostFinished(host.name(), failed));
      return failed;
    }
  }

  private LiveHostState readWans(FleetHost host) throws ExecException, InvalidSpecException {
    long start = System.nanoTime();
    LiveHostState live =
        host.state()
            .live()
            .orElseThrow()
            .resolve(WanFacts.read(host.target().executor()), health.apply(host.target()));
    LOG.debug(
        "{}: WANs read and resolved in {} ms",
        host.name(),
        (System.nanoTime() - start) / 1_000_000);
    return live;
  }

  /**
   * An apply whose links bring up WAN interfaces that are down (a router at boot): their carrier
   * cannot be known before they are up, so the state without their routes is applied first, then
   * the WANs are read again and the state made for them is applied in turn: the WANs that have
   * carrier now converge in this apply, the others stay pending with the reason they have now. The
   * listener hears one host started and one finished, with every change of both steps.
   */
  private HostReport applyBringingWansUp(
      FleetHost host,
      List<Declared<?, ?>> declared,
      LiveHostState live,
      BooleanSupplier cancelled,
      Map<String, List<WanStatus>> wans) {
    Progress quiet =
        event -> {
          if (!(event instanceof ConvergeEvent.HostFinished)) {
            progress.on(event);
          }
        };
    HostReport first =
        new Runner(quiet, cancelled)
            .apply(host.target(), declared, io.netconverge.trust.Reverter.pendingGuard());
    HostReport report = first.withPendingParts(live.pending());
    if (first.status() == HostReport.Status.OK || first.status() == HostReport.Status.CHANGED) {
      LiveHostState now;
      try {
        now = readWans(host);
      } catch (ExecException | IllegalArgumentException | InvalidSpecException e) {
        LOG.debug("cannot read the WANs of {} again", host.name(), e);
        now = null;
      }
      if (now != null) {
        wans.put(host.name(), now.wans());
        Progress inner =
            event -> {
              if (!(event instanceof ConvergeEvent.HostStarted)
                  && !(event instanceof ConvergeEvent.HostFinished)) {
                progress.on(event);
              }
            };
        HostReport second =
            new Runner(inner, cancelled)
                .apply(
                    host.target(),
                    now.state().declared(),
                    io.netconverge.trust.Reverter.pendingGuard());
        report = ApplySteps.joined(first, second).withPendingParts(now.pending());
      }
    }
    tell(new ConvergeEvent.HostFinished(host.name(), report));
    return report;
  }

  /** Stops the converger's own threads; an injected executor service is left running. */
  @Override
  public void close() {
    if (ownsExecutor) {
      executor.shutdown();
    }
  }

  private static ExecutorService defaultExecutor() {
    AtomicInteger thread = new AtomicInteger();
    return Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, "netconverge-" + thread.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** A future whose cancel also tells the runner to stop before its next step. */
  private static final class Cancellable<T> extends CompletableFuture<T> {
    final AtomicBoolean flag;

    Cancellable(AtomicBoolean flag) {
      this.flag = flag;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      flag.set(true);
      return super.cancel(mayInterruptIfRunning);
    }
  }
}
