package io.netconverge.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.engine.ConvergeEvent.Applying;
import io.netconverge.core.engine.ConvergeEvent.HostFinished;
import io.netconverge.core.engine.ConvergeEvent.HostStarted;
import io.netconverge.core.engine.ConvergeEvent.Locking;
import io.netconverge.core.engine.ConvergeEvent.Reading;
import io.netconverge.core.engine.ConvergeEvent.Restoring;
import io.netconverge.core.engine.ConvergeEvent.Verifying;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class RunnerTest {

  /**
   * An in-memory "kernel" of key to value, changed only through commands {@code set MOD KEY VALUE}
   * and {@code unset MOD KEY}, with failures on demand: what the runner runs is all that changes.
   */
  static final class Kernel implements Executor {
    final Map<String, Map<String, String>> maps = new LinkedHashMap<>();
    final List<String> log = new ArrayList<>();
    String failOn;
    String ignore;

    /** After the first failure, every command fails: nothing can be put back. */
    boolean failRestores;

    private boolean failed;

    /** Synchronized: the runner reads modules at once, each on a thread of its own. */
    synchronized Map<String, String> of(String module) {
      return maps.computeIfAbsent(module, m -> new LinkedHashMap<>());
    }

    @Override
    public ExecResult run(Command command) {
      List<String> argv = command.argv();
      String line = String.join(" ", argv);
      log.add(line);
      if (line.equals(failOn) || (failRestores && failed)) {
        failed = true;
        return new ExecResult(1, "", "cannot write " + argv.get(2));
      }
      if (line.equals(ignore)) {
        return new ExecResult(0, "", "");
      }
      Map<String, String> map = of(argv.get(1));
      if (argv.get(0).equals("set")) {
        map.put(argv.get(2), argv.get(3));
      } else {
        map.remove(argv.get(2));
      }
      return new ExecResult(0, "", "");
    }

    @Override
    public String describe() {
      return "kernel";
    }
  }

  /** A module over one map of the kernel. Its plan: the keys to set (null value: unset). */
  static final class MapModule implements ResourceModule<Map<String, String>, Map<String, String>> {
    final String name;
    final Kernel kernel;
    String crashOnKey;
    boolean crashOnRead;

    /** A key whose refused write is the file's mistake (as a kernel refusing a value): its line. */
    String declaredAtLine7;

    MapModule(String name, Kernel kernel) {
      this.name = name;
      this.kernel = kernel;
    }

    @Override
    public String kind() {
      return name;
    }

    @Override
    public Map<String, String> read(Executor executor, Map<String, String> declared) {
      if (crashOnRead) {
        throw new IllegalStateException("cannot parse " + name);
      }
      Map<String, String> live = new LinkedHashMap<>();
      declared.keySet().forEach(k -> live.put(k, kernel.of(name).get(k)));
      return live;
    }

    @Override
    public Diff<Map<String, String>> diff(Map<String, String> declared, Map<String, String> live) {
      List<Change> changes = new ArrayList<>();
      Map<String, String> plan = new LinkedHashMap<>();
      declared.forEach(
          (k, v) -> {
            if (Objects.equals(v, live.get(k))) {
              changes.add(Change.ok(new ResourceId(k, ""), ChangeValue.text(v)));
            } else {
              changes.add(
                  Change.update(
                      new ResourceId(k, ""),
                      ChangeValue.text(live.get(k)),
                      ChangeValue.text(v),
                      List.of(new FieldChange("value", live.get(k), v))));
              plan.put(k, v);
            }
          });
      return new Diff<>(changes, plan);
    }

    @Override
    public List<Command> commands(Map<String, String> plan) {
      List<Command> commands = new ArrayList<>();
      plan.forEach(
          (k, v) -> {
            if (k.equals(crashOnKey)) {
              throw new IllegalStateException("parser bug on " + k);
            }
            commands.add(v == null ? Command.of("unset", name, k) : Command.of("set", name, k, v));
          });
      return commands;
    }

    @Override
    public List<io.netconverge.core.spec.SpecProblem> rejected(
        Map<String, String> plan, io.netconverge.core.exec.ExecException failure) {
      if (declaredAtLine7 != null
          && plan.containsKey(declaredAtLine7)
          && failure.result() != null
          && failure.result().stderr().equals("cannot write " + declaredAtLine7)) {
        return List.of(
            new io.netconverge.core.spec.SpecProblem(
                "host.yaml",
                7,
                5,
                name + "." + declaredAtLine7,
                "the kernel refuses '"
                    + plan.get(declaredAtLine7)
                    + "': "
                    + failure.result().stderr()));
      }
      return List.of();
    }

    @Override
    public Map<String, String> restore(Map<String, String> snapshot, Map<String, String> declared) {
      Map<String, String> plan = new LinkedHashMap<>();
      declared.keySet().forEach(k -> plan.put(k, null));
      snapshot.forEach(plan::put);
      return plan;
    }
  }

  static final class FreeTarget implements Target {
    final Kernel kernel = new Kernel();
    boolean locked;
    int locks;

    @Override
    public String name() {
      return "h1";
    }

    @Override
    public Executor executor() {
      return kernel;
    }

    @Override
    public HostLock lock() throws LockHeldException {
      if (locked) {
        throw new LockHeldException("held");
      }
      locks++;
      return () -> {};
    }
  }

  private final FreeTarget target = new FreeTarget();
  private final Kernel kernel = target.kernel;
  private final MapModule a = new MapModule("a", kernel);
  private final MapModule b = new MapModule("b", kernel);

  private List<Declared<?, ?>> declare(Map<String, String> forA, Map<String, String> forB) {
    return List.of(new Declared<>(a, forA), new Declared<>(b, forB));
  }

  @Test
  void planReportsChangesAndTouchesNothing() {
    kernel.of("a").put("x", "1");
    HostReport report = new Runner().plan(target, declare(Map.of("x", "1"), Map.of("y", "2")));
    assertThat(report.status()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(report.ok()).isEqualTo(1);
    assertThat(report.changed()).isEqualTo(1);
    assertThat(report.pending())
        .extracting(Change::resource)
        .containsExactly(new ResourceId("y", ""));
    assertThat(kernel.of("b")).isEmpty();
    assertThat(target.locks).isZero();
  }

  @Test
  void applyRunsExactlyThePlansCommandsThenASecondApplyDoesNothing() {
    List<Declared<?, ?>> declared = declare(Map.of("x", "1"), Map.of("y", "2"));
    HostReport first = new Runner().apply(target, declared);
    assertThat(first.status()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(first.changed()).isEqualTo(2);
    assertThat(kernel.log).containsExactly("set a x 1", "set b y 2");
    assertThat(first.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.NOT_NEEDED);

    HostReport second = new Runner().apply(target, declared);
    assertThat(second.status()).isEqualTo(HostReport.Status.OK);
    assertThat(second.changed()).isZero();
    assertThat(kernel.log).hasSize(2);
  }

  @Test
  void aFailedApplyRestoresEveryModuleItTouchedLastFirstAndVerifiesIt() {
    kernel.of("a").put("x", "old");
    kernel.of("b").put("y", "old");
    kernel.failOn = "set b z new";
    List<Declared<?, ?>> declared =
        declare(Map.of("x", "new"), new LinkedHashMap<>(Map.of("y", "new", "z", "new")));
    HostReport report = new Runner().apply(target, declared);
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error()).contains("cannot write z");
    assertThat(report.restored()).isTrue();
    assertThat(report.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.RESTORED);
    assertThat(report.restoration().modules()).containsExactly("a", "b");
    assertThat(report.changed()).isZero();
    assertThat(report.failed()).isEqualTo(3);
    assertThat(kernel.of("a")).containsEntry("x", "old");
    assertThat(kernel.of("b")).containsEntry("y", "old").doesNotContainKey("z");
    assertThat(kernel.log).containsSubsequence("set b z new", "set b y old", "set a x old");
    assertThat(kernel.log).containsSubsequence("set b z new", "unset b z", "set a x old");
  }

  @Test
  void aValueOnlyTheApplyRefusesIsTheFilesMistakeAtItsLineOnceTheHostIsRestored() {
    kernel.of("a").put("x", "old");
    kernel.of("b").put("y", "old");
    kernel.failOn = "set b y bad";
    b.declaredAtLine7 = "y";
    HostReport report = new Runner().apply(target, declare(Map.of("x", "new"), Map.of("y", "bad")));
    assertThat(report.status()).isEqualTo(HostReport.Status.INVALID);
    // The tool's words are said once, at the line; then what ran, without them again.
    assertThat(report.error())
        .startsWith("host.yaml:7:5: b.y: the kernel refuses 'bad': cannot write y\n(")
        .contains("'set b y bad' failed (exit 1)")
        .containsOnlyOnce("cannot write y");
    assertThat(report.failure().orElseThrow().module()).hasValue("b");
    assertThat(report.failure().orElseThrow().command()).containsExactly("set", "b", "y", "bad");
    assertThat(report.restored()).isTrue();
    assertThat(report.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.RESTORED);
    assertThat(report.restoreUnverified()).isFalse();
    assertThat(kernel.of("a")).containsEntry("x", "old");
    assertThat(kernel.of("b")).containsEntry("y", "old");
  }

  @Test
  void aRefusalTheHostCannotBeRestoredFromStaysAFailureYetNamesTheLine() {
    kernel.of("a").put("x", "old");
    kernel.failOn = "set b y bad";
    kernel.failRestores = true;
    b.declaredAtLine7 = "y";
    HostReport report = new Runner().apply(target, declare(Map.of("x", "new"), Map.of("y", "bad")));
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.restoreUnverified()).isTrue();
    assertThat(report.error()).startsWith("host.yaml:7:5: b.y: the kernel refuses 'bad'");
    assertThat(report.error()).contains("restore incomplete");
  }

  @Test
  void aFailureTheModuleDoesNotCallARefusalStaysAFailure() {
    kernel.of("b").put("y", "old");
    kernel.failOn = "set b y new";
    b.declaredAtLine7 = "z";
    HostReport report = new Runner().apply(target, declare(Map.of(), Map.of("y", "new")));
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error()).doesNotContain("host.yaml");
  }

  @Test
  void aRestoreThatCannotPutTheSnapshotBackIsReportedIncompleteByModule() {
    kernel.of("a").put("x", "old");
    kernel.failOn = "set b y new";
    kernel.failRestores = true;
    HostReport report = new Runner().apply(target, declare(Map.of("x", "new"), Map.of("y", "new")));
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.restored()).isFalse();
    assertThat(report.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.INCOMPLETE);
    assertThat(report.restoration().modules()).containsExactly("a");
    assertThat(report.restoration().difference()).contains("a differs from the state read");
    assertThat(report.error()).contains("restore incomplete");
    assertThat(kernel.of("a")).containsEntry("x", "new");
  }

  @Test
  void anApplyThatDoesNotStickFailsVerificationAndIsRestored() {
    kernel.of("a").put("x", "old");
    kernel.ignore = "set b y 2";
    HostReport report = new Runner().apply(target, declare(Map.of("x", "new"), Map.of("y", "2")));
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error()).isEqualTo("applied, but the host still differs: y");
    assertThat(report.restored()).isTrue();
    assertThat(kernel.of("a")).containsEntry("x", "old");
    assertThat(kernel.of("b")).doesNotContainKey("y");
  }

  @Test
  void aBugInAModuleIsRestoredLikeAFailure() {
    kernel.of("a").put("x", "old");
    b.crashOnKey = "y";
    HostReport report = new Runner().apply(target, declare(Map.of("x", "new"), Map.of("y", "2")));
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error()).contains("parser bug on y");
    assertThat(report.restored()).isTrue();
    assertThat(kernel.of("a")).containsEntry("x", "old");
  }

  @Test
  void anUncheckedExceptionWhileReadingIsAFailedReportInPlanAndApply() {
    b.crashOnRead = true;
    HostReport plan = new Runner().plan(target, declare(Map.of("x", "1"), Map.of("y", "2")));
    assertThat(plan.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(plan.error()).contains("cannot parse b");
    HostReport apply = new Runner().apply(target, declare(Map.of("x", "1"), Map.of("y", "2")));
    assertThat(apply.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(apply.error()).contains("cannot parse b");
    assertThat(kernel.log).isEmpty();
  }

  /** A module whose read first waits for the reads of the others (a barrier), then fails or not. */
  static final class WaitingModule
      implements ResourceModule<Map<String, String>, Map<String, String>> {
    final MapModule inner;
    final java.util.concurrent.CyclicBarrier together;
    final long failAfterMillis;

    WaitingModule(
        MapModule inner, java.util.concurrent.CyclicBarrier together, long failAfterMillis) {
      this.inner = inner;
      this.together = together;
      this.failAfterMillis = failAfterMillis;
    }

    @Override
    public String kind() {
      return inner.kind();
    }

    @Override
    public Map<String, String> read(Executor executor, Map<String, String> declared)
        throws io.netconverge.core.exec.ExecException {
      try {
        // Read one after the other, the first read would wait here for ever: it gives up.
        together.await(20, java.util.concurrent.TimeUnit.SECONDS);
        if (failAfterMillis >= 0) {
          Thread.sleep(failAfterMillis);
          throw new io.netconverge.core.exec.ExecException("cannot read " + kind());
        }
      } catch (InterruptedException | java.util.concurrent.BrokenBarrierException e) {
        throw new IllegalStateException(e);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("read alone: the other modules were not read meanwhile");
      }
      return inner.read(executor, declared);
    }

    @Override
    public Diff<Map<String, String>> diff(Map<String, String> declared, Map<String, String> live) {
      return inner.diff(declared, live);
    }

    @Override
    public List<Command> commands(Map<String, String> plan) {
      return inner.commands(plan);
    }

    @Override
    public Map<String, String> restore(Map<String, String> snapshot, Map<String, String> declared) {
      return inner.restore(snapshot, declared);
    }
  }

  @Test
  void modulesAreReadAtOnceAndToldInTheirOrder() {
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(3);
    MapModule c = new MapModule("c", kernel);
    List<Declared<?, ?>> declared =
        List.of(
            new Declared<>(new WaitingModule(a, together, -1), Map.of("x", "1")),
            new Declared<>(new WaitingModule(b, together, -1), Map.of("y", "2")),
            new Declared<>(new WaitingModule(c, together, -1), Map.of("z", "3")));
    List<ConvergeEvent> events = new ArrayList<>();
    HostReport report = new Runner(events::add).plan(target, declared);
    assertThat(report.status()).as(report.error()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(report.changes())
        .extracting(Change::resource)
        .containsExactly(new ResourceId("x", ""), new ResourceId("y", ""), new ResourceId("z", ""));
    assertThat(events)
        .containsExactly(
            new HostStarted("h1", Mode.PLAN),
            new Reading("h1", "a"),
            new Reading("h1", "b"),
            new Reading("h1", "c"),
            new HostFinished("h1", report));
  }

  @Test
  void whenReadsFailTheFirstModuleInOrderIsReportedWhicheverFailedFirst() {
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
    List<Declared<?, ?>> declared =
        List.of(
            new Declared<>(new WaitingModule(a, together, 300), Map.of("x", "1")),
            new Declared<>(new WaitingModule(b, together, 0), Map.of("y", "2")));
    HostReport report = new Runner().plan(target, declared);
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error()).contains("cannot read a").doesNotContain("cannot read b");
  }

  @Test
  void aHeldLockStopsBeforeReading() {
    target.locked = true;
    kernel.of("a").put("x", "old");
    HostReport report = new Runner().apply(target, declare(Map.of("x", "new"), Map.of()));
    assertThat(report.status()).isEqualTo(HostReport.Status.LOCKED);
    assertThat(report.changes()).isEmpty();
    assertThat(kernel.of("a")).containsEntry("x", "old");
  }

  @Test
  void eventsNameEachStepAndEndWithTheReport() {
    List<ConvergeEvent> events = new ArrayList<>();
    HostReport report =
        new Runner(events::add).apply(target, declare(Map.of("x", "1"), Map.of("y", "2")));
    assertThat(events)
        .containsExactly(
            new HostStarted("h1", Mode.APPLY),
            new Locking("h1"),
            new Reading("h1", "a"),
            new Reading("h1", "b"),
            new Applying("h1", "a"),
            new Applying("h1", "b"),
            new Verifying("h1"),
            new HostFinished("h1", report));
  }

  @Test
  void aFailureRecordsTheModuleTheCommandItsExitCodeAndStderr() {
    kernel.failOn = "set b y 2";
    List<ConvergeEvent> events = new ArrayList<>();
    HostReport report =
        new Runner(events::add).apply(target, declare(Map.of("x", "1"), Map.of("y", "2")));
    Failure failure = report.failure().orElseThrow();
    assertThat(failure.module()).contains("b");
    assertThat(failure.command()).containsExactly("set", "b", "y", "2");
    assertThat(failure.exitCode()).hasValue(1);
    assertThat(failure.stderr()).isEqualTo("cannot write y");
    assertThat(report.error()).isEqualTo(failure.message()).contains("'set b y 2' failed (exit 1)");
    assertThat(events).contains(new Restoring("h1"));
  }

  @Test
  void aCancelledApplyStopsBeforeTheNextModuleAndRestoresTheFirst() {
    kernel.of("a").put("x", "old");
    List<ConvergeEvent> events = new ArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean cancel =
        new java.util.concurrent.atomic.AtomicBoolean();
    Progress cancelAfterFirstApply =
        e -> {
          events.add(e);
          if (e instanceof Applying) {
            cancel.set(true);
          }
        };
    HostReport report =
        new Runner(cancelAfterFirstApply, cancel::get)
            .apply(target, declare(Map.of("x", "new"), Map.of("y", "2")));
    assertThat(report.status()).isEqualTo(HostReport.Status.CANCELLED);
    assertThat(report.error()).isEqualTo("cancelled before applying b");
    assertThat(report.restored()).isTrue();
    assertThat(events).filteredOn(Applying.class::isInstance).hasSize(1);
    assertThat(report.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.RESTORED);
    assertThat(kernel.of("a")).containsEntry("x", "old");
    assertThat(kernel.of("b")).doesNotContainKey("y");
  }

  @Test
  void aCancelWhileVerifyingStillRestoresAsTheSignalWasTold() {
    kernel.of("a").put("x", "old");
    java.util.concurrent.atomic.AtomicBoolean cancel =
        new java.util.concurrent.atomic.AtomicBoolean();
    Progress cancelWhileVerifying =
        e -> {
          if (e instanceof ConvergeEvent.Verifying) {
            cancel.set(true);
          }
        };
    HostReport report =
        new Runner(cancelWhileVerifying, cancel::get)
            .apply(target, declare(Map.of("x", "new"), Map.of("y", "2")));
    assertThat(report.status()).isEqualTo(HostReport.Status.CANCELLED);
    assertThat(report.error()).isEqualTo("cancelled before ending the apply");
    assertThat(report.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.RESTORED);
    assertThat(kernel.of("a")).containsEntry("x", "old");
    assertThat(kernel.of("b")).doesNotContainKey("y");
  }

  @Test
  void aPlanCancelledBeforeItBeginsReadsNothing() {
    HostReport report =
        new Runner(Progress.NONE, () -> true).plan(target, declare(Map.of("x", "1"), Map.of()));
    assertThat(report.status()).isEqualTo(HostReport.Status.CANCELLED);
    assertThat(report.changes()).isEmpty();
    assertThat(report.error()).isEqualTo("cancelled before reading a");
  }

  @Test
  void aCancelAtEachCommandBoundaryStopsThereRestoresAndSaysWhere() {
    List<String> applyCommands = List.of("set a x new", "set b y new", "set b z new");
    List<String> stoppedBefore =
        List.of(
            "cancelled before locking",
            "cancelled before applying b",
            "cancelled before the next command of b",
            "cancelled before verifying");
    for (int boundary = 0; boundary <= applyCommands.size(); boundary++) {
      FreeTarget fresh = new FreeTarget();
      Kernel k = fresh.kernel;
      k.of("a").put("x", "old");
      k.of("b").put("y", "old");
      int stopAfter = boundary;
      // Cancelled once `boundary` commands ran: the signal arrives while the last one runs.
      Runner runner = new Runner(Progress.NONE, () -> k.log.size() >= stopAfter);
      Map<String, String> forB = new LinkedHashMap<>();
      forB.put("y", "new");
      forB.put("z", "new");
      HostReport report =
          runner.apply(
              fresh,
              List.of(
                  new Declared<>(new MapModule("a", k), Map.of("x", "new")),
                  new Declared<>(new MapModule("b", k), forB)));
      assertThat(report.status())
          .as("boundary %d", boundary)
          .isEqualTo(HostReport.Status.CANCELLED);
      assertThat(k.log.subList(0, boundary))
          .as("boundary %d", boundary)
          .isEqualTo(applyCommands.subList(0, boundary));
      assertThat(k.of("a")).as("boundary %d", boundary).isEqualTo(Map.of("x", "old"));
      assertThat(k.of("b")).as("boundary %d", boundary).isEqualTo(Map.of("y", "old"));
      if (boundary == 0) {
        assertThat(report.error()).isEqualTo(stoppedBefore.get(0));
        assertThat(report.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.NOT_NEEDED);
        assertThat(k.log).isEmpty();
      } else {
        assertThat(report.error())
            .as("boundary %d", boundary)
            .isEqualTo(stoppedBefore.get(boundary));
        assertThat(report.restored()).as("boundary %d", boundary).isTrue();
        assertThat(report.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.RESTORED);
        // Nothing of the plan ran after the cancel: only restore commands follow.
        assertThat(k.log.subList(boundary, k.log.size()))
            .as("boundary %d", boundary)
            .allMatch(line -> line.endsWith("old") || line.startsWith("unset"));
      }
    }
  }

  @Test
  void aSafeguardIsArmedWithTheRestoreCommandsBeforeTheFirstChangeAndDisarmedAfterARestore() {
    kernel.of("a").put("x", "old");
    List<String> events = new ArrayList<>();
    Safeguard recording =
        new Safeguard() {
          @Override
          public void arm(Executor executor, List<Command> restore) {
            events.add(
                "arm after "
                    + kernel.log.size()
                    + " commands: "
                    + restore.stream().map(Command::display).toList());
          }

          @Override
          public void disarm(Executor executor) {
            events.add("disarm");
          }
        };
    HostReport ok =
        new Runner().apply(target, declare(Map.of("x", "new"), Map.of("y", "2")), recording);
    assertThat(ok.status()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(events).containsExactly("arm after 0 commands: [unset b y, set a x old]");

    events.clear();
    kernel.failOn = "set b y 3";
    HostReport failed =
        new Runner().apply(target, declare(Map.of("x", "newer"), Map.of("y", "3")), recording);
    assertThat(failed.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(failed.restored()).isTrue();
    assertThat(events).containsExactly("arm after 2 commands: [set b y 2, set a x new]", "disarm");
  }

  @Test
  void aSafeguardThatCannotBeArmedStopsBeforeAnyChange() {
    Safeguard broken =
        new Safeguard() {
          @Override
          public void arm(Executor executor, List<Command> restore)
              throws io.netconverge.core.exec.ExecException {
            throw new io.netconverge.core.exec.ExecException("no /run");
          }

          @Override
          public void disarm(Executor executor) {}
        };
    HostReport report = new Runner().apply(target, declare(Map.of("x", "1"), Map.of()), broken);
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error()).contains("cannot arm the reverter").contains("no /run");
    assertThat(kernel.log).isEmpty();
  }

  @Test
  void aReverterThatRefusesIsQuotedByItsReasonNotItsScript() {
    Safeguard refusing =
        new Safeguard() {
          @Override
          public void arm(Executor executor, List<Command> restore)
              throws io.netconverge.core.exec.ExecException {
            throw new io.netconverge.core.exec.ExecException(
                "'sh -c 'ns=$(readlink /proc/self/ns/net) || exit 1\n...20 lines...' failed (exit 3)",
                new io.netconverge.core.exec.ExecResult(
                    3, "", "an earlier apply is not confirmed yet: run converge confirm\n"),
                null);
          }

          @Override
          public void disarm(Executor executor) {}
        };
    HostReport report = new Runner().apply(target, declare(Map.of("x", "1"), Map.of()), refusing);
    assertThat(report.error())
        .isEqualTo(
            "nothing was changed: an earlier apply is not confirmed yet: run converge confirm");
    assertThat(kernel.log).isEmpty();
  }

  /** Records arm and disarm; restores by itself at a fixed time once armed. */
  static final class TimedSafeguard implements Safeguard {
    final java.time.Instant at = java.time.Instant.parse("2026-12-02T19:00:08Z");
    final List<String> events = new ArrayList<>();
    boolean armed;

    @Override
    public void arm(Executor executor, List<Command> restore) {
      armed = true;
      events.add("arm");
    }

    @Override
    public void disarm(Executor executor) {
      events.add("disarm");
    }

    @Override
    public java.util.Optional<java.time.Instant> restoresAt() {
      return armed ? java.util.Optional.of(at) : java.util.Optional.empty();
    }
  }

  @Test
  void aHostLostMidApplyStaysArmedAndTheRestoreIsLeftToTheSafeguardUnverified() {
    kernel.of("a").put("x", "old");
    // The write of b fails, and from then on nothing reaches the host: as with a lost connection.
    kernel.failOn = "set b y 2";
    kernel.failRestores = true;
    TimedSafeguard safeguard = new TimedSafeguard();
    HostReport report =
        new Runner().apply(target, declare(Map.of("x", "new"), Map.of("y", "2")), safeguard);
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.PENDING);
    assertThat(report.restoration().revertsAt()).contains(safeguard.at);
    assertThat(report.restoreUnverified()).isTrue();
    assertThat(report.restored()).isFalse();
    assertThat(report.error())
        .contains("cannot write y")
        .contains("restore incomplete")
        .endsWith(
            "could not verify the restore from here: the reverter on the target restores the"
                + " state read before apply at about 2026-12-02T19:00:08Z");
    // Never disarmed: the safeguard is what puts the host back now.
    assertThat(safeguard.events).containsExactly("arm");
  }

  @Test
  void anIncompleteRestoreWithoutASafeguardIsIncompleteAndUnverified() {
    kernel.of("a").put("x", "old");
    kernel.failOn = "set b y 2";
    kernel.failRestores = true;
    HostReport report = new Runner().apply(target, declare(Map.of("x", "new"), Map.of("y", "2")));
    assertThat(report.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.INCOMPLETE);
    assertThat(report.restoration().revertsAt()).isEmpty();
    assertThat(report.restoreUnverified()).isTrue();
    assertThat(report.error()).doesNotContain("reverter");
  }

  @Test
  void aVerifiedRestoreIsNotUnverified() {
    kernel.failOn = "set b y 2";
    TimedSafeguard safeguard = new TimedSafeguard();
    HostReport report =
        new Runner().apply(target, declare(Map.of("x", "1"), Map.of("y", "2")), safeguard);
    assertThat(report.restoration().outcome()).isEqualTo(HostReport.RestoreOutcome.RESTORED);
    assertThat(report.restoreUnverified()).isFalse();
    assertThat(safeguard.events).containsExactly("arm", "disarm");
  }
}
