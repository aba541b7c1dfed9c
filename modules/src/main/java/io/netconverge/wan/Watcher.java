package io.netconverge.wan;

import io.netconverge.Converger;
import io.netconverge.FleetHost;
import io.netconverge.core.engine.HostLock;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.LockHeldException;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.net.Mark;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.dualwan.DualWanSpec;
import io.netconverge.dualwan.WanSpec;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code converge watch}: keeps a host converged while its WANs come and go. It converges once,
 * then again (through the normal runner and its lock) whenever {@code ip monitor link address
 * route} reports a change on a WAN interface (a link going up or down, an address or a DHCP lease
 * changing) or health tracking finds a WAN down or back up. Tables are never polled: the only
 * timers are the probes. Events that arrive during a converge, or within the debounce time, lead to
 * one more converge, not one each.
 */
public final class Watcher {

  private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);

  /** Transitions kept for {@code status}. */
  private static final int KEEP = 100;

  /**
   * @param debounce how long to wait after an event for the ones that follow it (a link coming up
   *     brings its addresses and routes)
   * @param retry how long to wait before trying again when another converge holds the lock or a
   *     converge failed
   */
  public record Options(Duration debounce, Duration retry) {
    public static final Options DEFAULT =
        new Options(Duration.ofMillis(200), Duration.ofSeconds(2));
  }

  /** What the watch converges; replaced whole by {@link #reload}. */
  private record Config(HostStateSpec spec, HostState state, Pattern relevant) {}

  private volatile Config config;
  private final Path names;
  private final Target target;
  private final String fileName;
  private final Options options;
  private volatile Map<String, HealthTracker> trackers = Map.of();
  private final Map<String, ScheduledFuture<?>> probing = new ConcurrentHashMap<>();
  private volatile Executor running;

  /** One for the whole watch: each converge on the loop's thread, with the health now. */
  private final Converger converger = Converger.builder().health(t -> health()).build();

  private final Map<String, Transition> last = new ConcurrentHashMap<>();
  private final Deque<Transition> history = new ArrayDeque<>();
  private final List<Transition> toAct = new ArrayList<>();
  private final Object signal = new Object();
  private boolean requested;
  private boolean urgent;
  private boolean stopping;
  private Process monitor;
  private Thread reader;
  private ScheduledExecutorService probes;
  private Path stateFile;
  private volatile LiveReport lastReport;
  private volatile Instant lastConvergeAt;

  /** Link, address and route events before this time ({@link System#nanoTime}) are let be. */
  private volatile long quietUntil = System.nanoTime();

  public Watcher(
      HostStateSpec spec,
      SpecSource source,
      Path iproute2Dir,
      Target target,
      String fileName,
      Options options) {
    this.names = iproute2Dir;
    this.target = target;
    this.fileName = fileName;
    this.options = options;
    configure(spec, source);
  }

  /**
   * Takes a new version of the host state (the file was edited): the next converge uses it, the
   * probes follow its WANs, and a WAN tracked before and after keeps its health. Safe from any
   * thread; a converge in progress ends with the old version.
   *
   * @throws IllegalArgumentException when the host state has no dualWan profile, or is not valid
   */
  public void reload(HostStateSpec spec, SpecSource source) {
    configure(spec, source);
    Executor executor = running;
    if (executor != null) {
      scheduleProbes(executor);
    }
    LOG.info(
        "reloaded {}: {} WANs ({} tracked)",
        fileName,
        spec.dualWan().wans().size(),
        trackers.size());
    request("reload");
  }

  private synchronized void configure(HostStateSpec spec, SpecSource source) {
    if (spec.dualWan() == null) {
      throw new IllegalArgumentException(
          "watch needs a dualWan profile: there are no WANs to watch");
    }
    List<String> itfs = new ArrayList<>();
    Map<String, HealthTracker> kept = new LinkedHashMap<>();
    for (WanSpec wan : spec.dualWan().wans()) {
      itfs.add(Pattern.quote(wan.itf().name()));
      if (wan.track() != null) {
        HealthTracker before = trackers.get(wan.name());
        kept.put(
            wan.name(),
            before != null && before.counts(wan.track().downValue(), wan.track().upValue())
                ? before
                : new HealthTracker(wan.name(), wan.track().downValue(), wan.track().upValue()));
      }
    }
    trackers = Collections.unmodifiableMap(kept);
    // An interface name as a word: "wan1@if3:", "dev wan1 ", never "wan10".
    HostState state;
    try {
      // Checked once per version, not at every converge.
      state = HostState.from(spec, source, names);
    } catch (InvalidSpecException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    config =
        new Config(
            spec,
            state,
            Pattern.compile("(?<![\\w.-])(" + String.join("|", itfs) + ")(?![\\w.-])"));
  }

  /** One probe schedule per tracked WAN of the current version; those of the last one end. */
  private synchronized void scheduleProbes(Executor executor) {
    probing.values().forEach(f -> f.cancel(false));
    probing.clear();
    for (WanSpec wan : config.spec().dualWan().wans()) {
      HealthTracker tracker = trackers.get(wan.name());
      if (tracker != null) {
        long every = wan.track().intervalValue().toMillis();
        probing.put(
            wan.name(),
            probes.scheduleAtFixedRate(
                () -> probe(executor, wan, tracker), 0, every, TimeUnit.MILLISECONDS));
      }
    }
  }

  /** The last converge's report, null before the first. */
  public LiveReport lastReport() {
    return lastReport;
  }

  /** The health of each WAN: tracked ones as tracking says, the others untracked. */
  public Map<String, Health> health() {
    Map<String, Health> health = new LinkedHashMap<>();
    trackers.forEach((name, t) -> health.put(name, t.health()));
    return health;
  }

  /** Watches until {@link #stop()}; the state file is removed on the way out. */
  public void run() throws ExecException {
    Executor executor = target.executor();
    stateFile = WatchState.file(executor);
    startMonitor(executor);
    probes = Executors.newScheduledThreadPool(2, daemon("probe"));
    running = executor;
    scheduleProbes(executor);
    LOG.info(
        "watching {} WANs of {} on {} ({} tracked)",
        config.spec().dualWan().wans().size(),
        fileName,
        target.name(),
        trackers.size());
    request("start");
    try {
      loop(executor);
    } finally {
      shutdown();
    }
  }

  /** Ends {@link #run()} after the converge in progress, if any. Safe from any thread. */
  public void stop() {
    synchronized (signal) {
      stopping = true;
      signal.notifyAll();
    }
  }

  private void request(String why) {
    synchronized (signal) {
      if (!requested) {
        LOG.debug("converge requested: {}", why);
      }
      requested = true;
      signal.notifyAll();
    }
  }

  /**
   * A health transition: the routing (where the outbound default lives) is converged at once,
   * without debounce, then everything as usual.
   */
  private void requestUrgent(String why) {
    synchronized (signal) {
      LOG.debug("routing converge requested: {}", why);
      urgent = true;
      requested = true;
      signal.notifyAll();
    }
  }

  private void loop(Executor executor) {
    while (true) {
      boolean routingFirst;
      synchronized (signal) {
        while (!requested && !stopping) {
          waitOn(0);
        }
        if (stopping) {
          return;
        }
        routingFirst = urgent;
        urgent = false;
      }
      if (routingFirst) {
        failoverNow(executor);
      }
      synchronized (signal) {
        if (stopping) {
          return;
        }
        // Let the burst that follows a change arrive: one converge for all of it.
        long until = System.nanoTime() + options.debounce().toNanos();
        long left;
        while (!stopping && (left = until - System.nanoTime()) > 0) {
          waitOn(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        if (stopping) {
          return;
        }
        requested = false;
      }
      converge(executor);
    }
  }

  private void waitOn(long millis) {
    try {
      signal.wait(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  /**
   * A failover must not wait for a full converge, which a loaded machine makes slow (the nft and
   * iptables canonicalization above all): under the host's lock, the outbound default is written at
   * once for the WANs now usable, with the gateways the last converge found (one {@code ip
   * -batch}). The full converge follows at once and verifies it.
   */
  private void failoverNow(Executor executor) {
    LiveReport previous = lastReport;
    HostStateSpec spec = config.spec();
    Long table = spec.dualWan().defaultTable();
    if (previous == null || table == null) {
      return;
    }
    Map<String, Health> health = health();
    List<WanStatus> usable =
        previous.wans().stream()
            .filter(w -> w.pending().isEmpty())
            .filter(w -> health.getOrDefault(w.name(), Health.UNTRACKED).usable())
            .toList();
    String batch = OutboundDefault.batch(spec.dualWan(), usable, protocol());
    try (HostLock lock = target.lock()) {
      ExecResult r = executor.run(Command.of("ip", "-batch", "-").withStdin(batch));
      if (r.ok()) {
        LOG.info(
            "outbound default of {} now via {}",
            target.name(),
            usable.isEmpty() ? "(none)" : usable.stream().map(WanStatus::name).toList());
      } else {
        LOG.info("outbound default of {} not written first: {}", target.name(), r.stderr().strip());
      }
    } catch (LockHeldException | ExecException e) {
      LOG.info("outbound default of {} not written first: {}", target.name(), e.getMessage());
    }
    // status shows the transition as soon as the routing follows it, not after the full converge.
    writeState(previous);
  }

  private int protocol() {
    return config.spec().routingProtocol();
  }

  /** One apply through the library's one converge path, with the health tracking found. */
  private LiveReport converge() {
    return converger.runOne(Mode.APPLY, new FleetHost(target, config.state()), () -> false);
  }

  private void converge(Executor executor) {
    List<Transition> acting;
    synchronized (toAct) {
      acting = new ArrayList<>(toAct);
      toAct.clear();
    }
    boolean first = lastReport == null;
    LiveReport report = converge();
    lastReport = report;
    lastConvergeAt = Instant.now();
    HostReport r = report.report();
    switch (r.status()) {
      case OK, CHANGED -> {
        if (r.changed() > 0) {
          LOG.info(
              "converged {}: {} changed{}",
              target.name(),
              r.changed(),
              report.pending().isEmpty() ? "" : ", pending: " + report.pending());
        } else if (first) {
          LOG.info(
              "converged {}: nothing to change{}",
              target.name(),
              report.pending().isEmpty() ? "" : ", pending: " + report.pending());
        } else {
          LOG.debug("converged {}: nothing to change", target.name());
        }
      }
      case LOCKED -> {
        LOG.info("{}: another converge holds the lock; trying again", target.name());
        retryLater();
      }
      default -> {
        LOG.warn("converge of {} failed: {}", target.name(), r.error());
        retryLater();
      }
    }
    if (r.status() == HostReport.Status.OK || r.status() == HostReport.Status.CHANGED) {
      for (Transition t : acting) {
        act(executor, t);
      }
    } else {
      synchronized (toAct) {
        toAct.addAll(0, acting);
      }
    }
    writeState(report);
  }

  private void retryLater() {
    quietUntil = System.nanoTime() + options.retry().toNanos();
    if (probes != null && !probes.isShutdown()) {
      probes.schedule(() -> request("retry"), options.retry().toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void probe(Executor executor, WanSpec wan, HealthTracker tracker) {
    try {
      Probe.Round round = Probe.run(executor, wan);
      LOG.debug("probe {}: {} ({})", wan.name(), round.ok() ? "ok" : "failed", round.detail());
      tracker
          .record(round.ok(), round.detail(), Instant.now())
          .ifPresent(
              t -> {
                if (t.to() == Health.DOWN) {
                  LOG.warn("WAN {}", t);
                } else {
                  LOG.info("WAN {}", t);
                }
                last.put(t.wan(), t);
                synchronized (history) {
                  history.addLast(t);
                  while (history.size() > KEEP) {
                    history.removeFirst();
                  }
                }
                synchronized (toAct) {
                  toAct.add(t);
                }
                requestUrgent(t.wan() + " " + t.to());
              });
    } catch (RuntimeException e) {
      LOG.warn("probe of {} failed to run: {}", wan.name(), e.toString());
    }
  }

  /** After the converge that follows a transition: conntrack flush and the user's hooks. */
  private void act(Executor executor, Transition t) {
    HostStateSpec spec = config.spec();
    WanSpec wan =
        spec.dualWan().wans().stream()
            .filter(w -> w.name().equals(t.wan()))
            .findFirst()
            .orElse(null);
    if (wan == null) {
      return; // the file was reloaded without this WAN
    }
    DualWanSpec profile = spec.dualWan();
    if (t.to() == Health.DOWN && Boolean.TRUE.equals(wan.flushConntrack())) {
      String mark = Mark.hex(wan.mark().value()) + "/" + Mark.hex(profile.markMask().value());
      try {
        ExecResult r = executor.run(Command.of("conntrack", "-D", "-m", mark));
        // Exit 1 with "0 flow entries have been deleted" is no error: there was nothing to flush.
        if (r.ok() || r.stderr().contains(" 0 flow entries")) {
          LOG.info("conntrack flush of {}: {}", wan.name(), r.stderr().strip());
        } else {
          LOG.warn("conntrack flush of {} exited {}: {}", wan.name(), r.exitCode(), r.stderr());
        }
      } catch (ExecException e) {
        LOG.warn("conntrack flush of {}: {}", wan.name(), e.getMessage());
      }
    }
    if (wan.hooks() == null) {
      return;
    }
    if (!spec.hooksAllowed()) {
      // A validated file cannot get here; a spec built in code without the opt-in can.
      LOG.warn(
          "hooks of {} not run: the host state does not say {}: true",
          wan.name(),
          HostStateSpec.HOOKS_OPT_IN);
      return;
    }
    List<List<String>> hooks =
        t.to() == Health.DOWN
            ? wan.hooks().down()
            : t.from() == Health.DOWN ? wan.hooks().up() : List.of();
    for (List<String> argv : hooks) {
      List<String> withEnv = new ArrayList<>();
      withEnv.add("env");
      // Options end here; the assignments follow, then the hook (whose argv[0] has no '=').
      withEnv.add("--");
      withEnv.add("NETCONVERGE_WAN=" + wan.name());
      withEnv.add("NETCONVERGE_INTERFACE=" + wan.itf().name());
      withEnv.add("NETCONVERGE_EVENT=" + (t.to() == Health.DOWN ? "down" : "up"));
      withEnv.add("NETCONVERGE_MARK=" + Mark.hex(wan.mark().value()));
      withEnv.add("NETCONVERGE_TABLE=" + wan.table());
      withEnv.addAll(argv);
      runLogged(
          executor,
          Command.of(withEnv).withTimeout(Duration.ofSeconds(30)),
          "hook of " + wan.name());
    }
  }

  private static void runLogged(Executor executor, Command command, String what) {
    try {
      ExecResult r = executor.run(command);
      if (r.ok()) {
        LOG.info("{}: '{}' done", what, command.display());
      } else {
        LOG.warn(
            "{}: '{}' exited {}: {}", what, command.display(), r.exitCode(), r.stderr().strip());
      }
    } catch (ExecException e) {
      LOG.warn("{}: {}", what, e.getMessage());
    }
  }

  /**
   * {@code ip monitor}, ended when this process ends however it ends (a SIGKILL too): the monitor's
   * stdin is a pipe from here, and when it closes the watcher of that pipe kills the monitor. When
   * the monitor ends by itself, its output closes, as the reader here expects.
   */
  static final String MONITOR =
      "exec 3<&0; ip monitor link address route & m=$!;"
          + " ( read _ <&3; kill $m 2>/dev/null ) >/dev/null 2>&1 & wait $m";

  private void startMonitor(Executor executor) throws ExecException {
    monitor = executor.spawn(List.of("sh", "-c", MONITOR));
    Process process = monitor;
    reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  // After a failed converge its own restore's events would start the next one at
                  // once, again and again: the retry comes after its delay instead.
                  if (concerns(line) && System.nanoTime() - quietUntil >= 0) {
                    request("event: " + line.strip());
                  }
                }
              } catch (IOException e) {
                // The process ended: handled below.
              }
              synchronized (signal) {
                if (!stopping) {
                  LOG.error("ip monitor ended; stopping the watch so that its service restarts it");
                  stopping = true;
                  signal.notifyAll();
                }
              }
            },
            "ip-monitor");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Whether an {@code ip monitor} line may change what a converge does: it names a WAN interface,
   * and it is not a route in a table other than main (the WAN tables are ours; the local table
   * follows the addresses, which have events of their own).
   */
  boolean concerns(String line) {
    if (!config.relevant().matcher(line).find()) {
      return false;
    }
    return !line.contains(" table ") || line.contains(" table main");
  }

  private void shutdown() {
    converger.close();
    if (probes != null) {
      probes.shutdownNow();
      try {
        probes.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (monitor != null) {
      monitor.descendants().forEach(ProcessHandle::destroy);
      monitor.destroy();
      try {
        if (!monitor.waitFor(2, TimeUnit.SECONDS)) {
          monitor.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      if (stateFile != null) {
        Files.deleteIfExists(stateFile);
      }
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", stateFile, e.getMessage());
    }
    LOG.info("watch of {} stopped", target.name());
  }

  private void writeState(LiveReport report) {
    List<Transition> log;
    synchronized (history) {
      log = List.copyOf(history);
    }
    try {
      // The report may be older than the latest transition (a failover writes before its
      // converge): each WAN shows the health tracking says now.
      List<WanStatus> wans = withHealth(report.wans(), health());
      WatchState.write(
          stateFile,
          WatchState.document(
              fileName, wans, Map.copyOf(last), log, report.report(), lastConvergeAt));
    } catch (IOException e) {
      LOG.warn("could not write {}: {}", stateFile, e.getMessage());
    }
  }

  /** Each tracked WAN of a converge's report with the health tracking says now. */
  static List<WanStatus> withHealth(List<WanStatus> wans, Map<String, Health> now) {
    return wans.stream()
        .map(w -> now.containsKey(w.name()) ? w.withHealth(now.get(w.name())) : w)
        .toList();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
