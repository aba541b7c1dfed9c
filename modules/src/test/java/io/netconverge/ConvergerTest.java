package io.netconverge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.engine.ConvergeEvent;
import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.NamespaceLock;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.testing.FakeExecutor;
import io.netconverge.hoststate.HostState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConvergerTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static HostState forwarding() throws Exception {
    return HostState.builder().sysctl("net.ipv4.ip_forward", "1").build();
  }

  /** A host whose sysctl read takes {@code millis} and finds ip_forward at {@code value}. */
  private static Host host(String name, String value, long millis, AtomicInteger busy, int[] max) {
    return host(name, value, () -> Thread.sleep(millis), busy, max);
  }

  interface Wait {
    void run() throws InterruptedException;
  }

  private static Host host(String name, String value, Wait wait, AtomicInteger busy, int[] max) {
    FakeExecutor fake =
        new FakeExecutor()
            .on(
                List.of("grep"),
                c -> {
                  int now = busy.incrementAndGet();
                  synchronized (max) {
                    max[0] = Math.max(max[0], now);
                  }
                  try {
                    wait.run();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  busy.decrementAndGet();
                  return new ExecResult(0, "/proc/sys/net/ipv4/ip_forward:" + value + "\n", "");
                });
    return new Host(name, fake, NamespaceLock.standard());
  }

  @Test
  void aFleetRunsForksAtATimeReportsEachHostAsItEndsAndOrdersTheResult() throws Exception {
    AtomicInteger busy = new AtomicInteger();
    int[] max = {0};
    List<String> finished = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch othersDone = new CountDownLatch(5);
    List<FleetHost> hosts = new ArrayList<>();
    // The first host is the slowest (it waits for all others): it finishes last, yet comes first
    // in the fleet's report.
    hosts.add(
        new FleetHost(
            host("slow", "0", () -> othersDone.await(20, TimeUnit.SECONDS), busy, max),
            forwarding()));
    for (int i = 0; i < 5; i++) {
      hosts.add(new FleetHost(host("h" + i, "1", 50, busy, max), forwarding()));
    }
    try (Converger converger =
        Converger.builder()
            .executorService(pool)
            .forks(2)
            .progress(
                e -> {
                  if (e instanceof ConvergeEvent.HostFinished f) {
                    finished.add(f.host());
                    if (!f.host().equals("slow")) {
                      othersDone.countDown();
                    }
                  }
                })
            .build()) {
      FleetReport report = converger.run(Mode.PLAN, hosts);
      assertThat(report.hosts())
          .extracting(HostReport::host)
          .containsExactly("slow", "h0", "h1", "h2", "h3", "h4");
      assertThat(report.hosts().get(0).status()).isEqualTo(HostReport.Status.CHANGED);
      assertThat(report.hosts().get(1).status()).isEqualTo(HostReport.Status.OK);
      assertThat(report.status()).isEqualTo(HostReport.Status.CHANGED);
      assertThat(finished).hasSize(6).endsWith("slow");
      assertThat(max[0]).isEqualTo(2);
    }
    assertThat(pool.isShutdown()).as("an injected pool stays the caller's").isFalse();
  }

  @Test
  void anAsyncPlanRunsOnTheInjectedPool() throws Exception {
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    ExecutorService named =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "lb-embedder-thread"));
    try (Converger converger =
        Converger.builder()
            .executorService(named)
            .progress(e -> threads.add(Thread.currentThread().getName()))
            .build()) {
      HostReport report =
          converger
              .planAsync(forwarding(), host("h", "1", 0, new AtomicInteger(), new int[1]))
              .get(10, TimeUnit.SECONDS);
      assertThat(report.status()).isEqualTo(HostReport.Status.OK);
      assertThat(threads).isNotEmpty().allMatch("lb-embedder-thread"::equals);
    } finally {
      named.shutdownNow();
    }
  }

  @Test
  void cancellingAFleetStopsTheHostsThatHadNotBegun() throws Exception {
    CountDownLatch firstReading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<HostReport> reports = Collections.synchronizedList(new ArrayList<>());
    FakeExecutor blocking =
        new FakeExecutor()
            .on(
                List.of("grep"),
                c -> {
                  firstReading.countDown();
                  try {
                    release.await(10, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return new ExecResult(0, "/proc/sys/net/ipv4/ip_forward:1\n", "");
                });
    List<FleetHost> hosts =
        List.of(
            new FleetHost(new Host("first", blocking, NamespaceLock.standard()), forwarding()),
            new FleetHost(host("second", "0", 0, new AtomicInteger(), new int[1]), forwarding()));
    try (Converger converger =
        Converger.builder()
            .executorService(pool)
            .forks(1)
            .progress(
                e -> {
                  if (e instanceof ConvergeEvent.HostFinished f) {
                    reports.add(f.report());
                  }
                })
            .build()) {
      CompletableFuture<FleetReport> run = converger.runAsync(Mode.PLAN, hosts);
      assertThat(firstReading.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(run.cancel(false)).isTrue();
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (reports.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }
    assertThat(reports).extracting(HostReport::host).containsExactly("first", "second");
    // The first host's read was under way: it ends normally. The second never began.
    assertThat(reports.get(0).status()).isEqualTo(HostReport.Status.OK);
    assertThat(reports.get(1).status()).isEqualTo(HostReport.Status.CANCELLED);
    assertThat(reports.get(1).error()).isEqualTo("cancelled before reading sysctl");
  }

  /** A host with one sysctl, ip_forward, in memory; a broken one refuses to write 1. */
  static final class SysctlHost implements io.netconverge.core.engine.Target {
    final String name;
    final boolean broken;
    final List<String> log;
    String forward = "0";

    SysctlHost(String name, boolean broken, List<String> log) {
      this.name = name;
      this.broken = broken;
      this.log = log;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public io.netconverge.core.exec.Executor executor() {
      return new io.netconverge.core.exec.Executor() {
        @Override
        public ExecResult run(io.netconverge.core.exec.Command command) {
          List<String> argv = command.argv();
          log.add(name + ": " + String.join(" ", argv));
          if (argv.get(0).equals("grep")) {
            return new ExecResult(0, "/proc/sys/net/ipv4/ip_forward:" + forward + "\n", "");
          }
          String value = argv.get(argv.size() - 1).replaceAll(".*=", "");
          if (broken && value.equals("1")) {
            return new ExecResult(1, "", "refused");
          }
          forward = value;
          return new ExecResult(0, "", "");
        }

        @Override
        public String describe() {
          return name;
        }
      };
    }

    @Override
    public io.netconverge.core.engine.HostLock lock() {
      return () -> {};
    }
  }

  private List<FleetHost> sysctlHosts(List<String> log, String broken, String... names)
      throws Exception {
    List<FleetHost> hosts = new ArrayList<>();
    for (String n : names) {
      hosts.add(new FleetHost(new SysctlHost(n, n.equals(broken), log), forwarding()));
    }
    return hosts;
  }

  @Test
  void aSerialRolloutRunsBatchAfterBatchAndStopsAfterOneWithTooManyFailures() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    List<String> finished = Collections.synchronizedList(new ArrayList<>());
    try (Converger converger =
        Converger.builder()
            .executorService(pool)
            .forks(4)
            .serial(2)
            .progress(
                e -> {
                  if (e instanceof ConvergeEvent.HostFinished f) {
                    finished.add(f.host());
                  }
                })
            .build()) {
      FleetReport report =
          converger.run(Mode.APPLY, sysctlHosts(log, "d", "a", "b", "c", "d", "e", "f"));
      assertThat(report.hosts())
          .extracting(HostReport::host)
          .containsExactly("a", "b", "c", "d", "e", "f");
      assertThat(report.batches())
          .containsExactly(
              new FleetReport.Batch(List.of("a", "b"), 0),
              new FleetReport.Batch(List.of("c", "d"), 1));
      assertThat(report.stopped())
          .contains("the rollout stopped after 1 of 2 hosts of a batch failed (more than 0%)");
      assertThat(report.hosts().get(3).status()).isEqualTo(HostReport.Status.FAILED);
      assertThat(report.hosts().get(3).restoration().outcome())
          .isEqualTo(HostReport.RestoreOutcome.RESTORED);
      for (HostReport notRun : report.hosts().subList(4, 6)) {
        assertThat(notRun.status()).isEqualTo(HostReport.Status.CANCELLED);
        assertThat(notRun.error()).isEqualTo("not run: " + report.stopped().orElseThrow());
        // Not a failure of its own: a dashboard summing failed sees the one host that failed.
        assertThat(notRun.failed()).isZero();
      }
      assertThat(report.hosts().get(3).failed()).isPositive();
      // Nothing ran on the hosts after the stop, yet the listener heard of them.
      assertThat(log).noneMatch(l -> l.startsWith("e:") || l.startsWith("f:"));
      assertThat(finished).hasSize(6);
      // Each batch was done before the next began.
      int lastOfFirst = Math.max(lastIndex(log, "a:"), lastIndex(log, "b:"));
      int firstOfSecond = Math.min(firstIndex(log, "c:"), firstIndex(log, "d:"));
      assertThat(lastOfFirst).isLessThan(firstOfSecond);
    }
  }

  @Test
  void aTolerantRolloutRunsEveryBatch() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    try (Converger converger =
        Converger.builder().executorService(pool).serial(2).maxFailPercent(50).build()) {
      FleetReport report = converger.run(Mode.APPLY, sysctlHosts(log, "a", "a", "b", "c"));
      assertThat(report.batches())
          .containsExactly(
              new FleetReport.Batch(List.of("a", "b"), 1), new FleetReport.Batch(List.of("c"), 0));
      assertThat(report.stopped()).isEmpty();
      assertThat(report.hosts())
          .extracting(HostReport::status)
          .containsExactly(
              HostReport.Status.FAILED, HostReport.Status.CHANGED, HostReport.Status.CHANGED);
    }
  }

  @Test
  void aCancelBetweenBatchesLeavesTheRestNotRun() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicBoolean cancel =
        new java.util.concurrent.atomic.AtomicBoolean();
    try (Converger converger =
        Converger.builder()
            .executorService(pool)
            .serial(1)
            .progress(
                e -> {
                  if (e instanceof ConvergeEvent.HostFinished) {
                    cancel.set(true);
                  }
                })
            .build()) {
      FleetReport report = converger.run(Mode.APPLY, sysctlHosts(log, null, "a", "b"), cancel::get);
      assertThat(report.hosts().get(0).status()).isEqualTo(HostReport.Status.CHANGED);
      assertThat(report.hosts().get(1).status()).isEqualTo(HostReport.Status.CANCELLED);
      assertThat(report.hosts().get(1).error()).isEqualTo("not run: cancelled");
      assertThat(report.stopped()).contains("cancelled");
      assertThat(log).noneMatch(l -> l.startsWith("b:"));
    }
  }

  @Test
  void rolloutSettingsThatDoNotFitAreRefused() {
    assertThatThrownBy(() -> Converger.builder().serial(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Converger.builder().maxFailPercent(101))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Converger.builder().maxFailPercent(10).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maxFailPercent needs serial");
    assertThatThrownBy(() -> Converger.builder().confirmWhenHealthy().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a confirmTimeout");
    assertThatThrownBy(() -> Converger.builder().confirmTimeout(java.time.Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static int lastIndex(List<String> log, String prefix) {
    for (int i = log.size() - 1; i >= 0; i--) {
      if (log.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("nothing ran on " + prefix);
  }

  private static int firstIndex(List<String> log, String prefix) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new AssertionError("nothing ran on " + prefix);
  }
}
