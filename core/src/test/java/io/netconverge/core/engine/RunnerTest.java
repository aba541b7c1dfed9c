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
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.testing.FakeExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunnerTest {

  /** A module over an in-memory "kernel": a map of key to value, with failures on demand. */
  static final class MapModule implements ResourceModule<Map<String, String>> {
    final Map<String, String> kernel = new LinkedHashMap<>();
    final List<String> log = new ArrayList<>();
    String failOnKey;
    String crashOnKey;
    String ignoreKey;

    @Override
    public String kind() {
      return "map";
    }

    @Override
    public Map<String, String> read(Executor executor, Map<String, String> declared) {
      Map<String, String> live = new LinkedHashMap<>();
      declared.keySet().forEach(k -> live.put(k, kernel.get(k)));
      return live;
    }

    @Override
    public List<Change> diff(Map<String, String> declared, Map<String, String> live) {
      List<Change> changes = new ArrayList<>();
      declared.forEach(
          (k, v) ->
              changes.add(
                  java.util.Objects.equals(v, live.get(k))
                      ? Change.ok(k, v)
                      : Change.update(
                          k, live.get(k), v, List.of(new FieldChange("value", live.get(k), v)))));
      return changes;
    }

    @Override
    public void apply(
        Executor executor,
        Map<String, String> declared,
        Map<String, String> live,
        List<Change> changes)
        throws ExecException {
      for (var e : declared.entrySet()) {
        if (e.getKey().equals(crashOnKey)) {
          crashOnKey = null;
          throw new IllegalStateException("parser bug on " + e.getKey());
        }
        if (e.getKey().equals(failOnKey)) {
          failOnKey = null; // fails once, as a rejected write would; the restore then succeeds
          throw ExecException.failed(
              executor,
              Command.of("write", e.getKey()),
              new ExecResult(3, "", "cannot write " + e.getKey() + ": denied\n"));
        }
        if (e.getKey().equals(ignoreKey)) {
          continue;
        }
        log.add(e.getKey() + "=" + e.getValue());
        if (e.getValue() == null) {
          kernel.remove(e.getKey()); // restoring "absent"
        } else {
          kernel.put(e.getKey(), e.getValue());
        }
      }
    }
  }

  static final class FreeTarget implements Target {
    boolean locked;
    int locks;

    @Override
    public String name() {
      return "h1";
    }

    @Override
    public Executor executor() {
      return new FakeExecutor();
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

  private final MapModule a = new MapModule();
  private final MapModule b = new MapModule();
  private final FreeTarget target = new FreeTarget();

  private List<Declared<?>> declare(Map<String, String> forA, Map<String, String> forB) {
    return List.of(new Declared<>(a, forA), new Declared<>(b, forB));
  }

  @Test
  void planReportsChangesAndTouchesNothing() {
    a.kernel.put("x", "1");
    HostReport report = new Runner().plan(target, declare(Map.of("x", "1"), Map.of("y", "2")));
    assertThat(report.status()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(report.ok()).isEqualTo(1);
    assertThat(report.changed()).isEqualTo(1);
    assertThat(report.pending()).extracting(Change::resource).containsExactly("y");
    assertThat(b.kernel).isEmpty();
    assertThat(target.locks).isZero();
  }

  @Test
  void applyConvergesThenASecondApplyDoesNothing() {
    List<Declared<?>> declared = declare(Map.of("x", "1"), Map.of("y", "2"));
    HostReport first = new Runner().apply(target, declared);
    assertThat(first.status()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(first.changed()).isEqualTo(2);
    assertThat(a.kernel).containsEntry("x", "1");
    assertThat(b.kernel).containsEntry("y", "2");

    HostReport second = new Runner().apply(target, declared);
    assertThat(second.status()).isEqualTo(HostReport.Status.OK);
    assertThat(second.changed()).isZero();
    assertThat(a.log).hasSize(1);
  }

  @Test
  void aFailedApplyRestoresEveryModuleItTouched() {
    a.kernel.put("x", "old");
    b.kernel.put("y", "old");
    b.failOnKey = "z";
    List<Declared<?>> declared =
        declare(Map.of("x", "new"), new LinkedHashMap<>(Map.of("y", "new", "z", "new")));
    HostReport report = new Runner().apply(target, declared);
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error()).contains("cannot write z");
    assertThat(report.restored()).isTrue();
    assertThat(report.changed()).isZero();
    assertThat(report.failed()).isEqualTo(3);
    assertThat(a.kernel).containsEntry("x", "old");
    assertThat(b.kernel).containsEntry("y", "old").doesNotContainKey("z");
  }

  @Test
  void anApplyThatDoesNotStickFailsVerificationAndIsRestored() {
    a.kernel.put("x", "old");
    b.ignoreKey = "y";
    HostReport report = new Runner().apply(target, declare(Map.of("x", "new"), Map.of("y", "2")));
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error()).isEqualTo("applied, but the host still differs: y");
    assertThat(a.kernel).containsEntry("x", "old");
    assertThat(b.kernel).doesNotContainKey("y");
  }

  @Test
  void aBugInAModuleIsRestoredLikeAFailure() {
    a.kernel.put("x", "old");
    b.crashOnKey = "y";
    HostReport report = new Runner().apply(target, declare(Map.of("x", "new"), Map.of("y", "2")));
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error()).contains("parser bug on y");
    assertThat(report.restored()).isTrue();
    assertThat(a.kernel).containsEntry("x", "old");
  }

  @Test
  void aHeldLockStopsBeforeReading() {
    target.locked = true;
    a.kernel.put("x", "old");
    HostReport report = new Runner().apply(target, declare(Map.of("x", "new"), Map.of()));
    assertThat(report.status()).isEqualTo(HostReport.Status.LOCKED);
    assertThat(report.changes()).isEmpty();
    assertThat(a.kernel).containsEntry("x", "old");
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
            new Reading("h1", "map"),
            new Reading("h1", "map"),
            new Applying("h1", "map"),
            new Applying("h1", "map"),
            new Verifying("h1"),
            new HostFinished("h1", report));
  }

  @Test
  void aFailureRecordsTheModuleTheCommandItsExitCodeAndStderr() {
    b.failOnKey = "y";
    List<ConvergeEvent> events = new ArrayList<>();
    HostReport report =
        new Runner(events::add).apply(target, declare(Map.of("x", "1"), Map.of("y", "2")));
    Failure failure = report.failure().orElseThrow();
    assertThat(failure.module()).contains("map");
    assertThat(failure.command()).containsExactly("write", "y");
    assertThat(failure.exitCode()).hasValue(3);
    assertThat(failure.stderr()).isEqualTo("cannot write y: denied");
    assertThat(report.error()).isEqualTo(failure.message()).contains("'write y' failed (exit 3)");
    assertThat(events).contains(new Restoring("h1"));
  }

  @Test
  void aCancelledApplyStopsBeforeTheNextModuleAndRestoresTheFirst() {
    a.kernel.put("x", "old");
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
    assertThat(report.error()).isEqualTo("cancelled before applying map");
    assertThat(report.restored()).isTrue();
    assertThat(events).filteredOn(Applying.class::isInstance).hasSize(1);
    assertThat(a.kernel).containsEntry("x", "old");
    assertThat(b.kernel).doesNotContainKey("y");
  }

  @Test
  void aPlanCancelledBeforeItBeginsReadsNothing() {
    HostReport report =
        new Runner(Progress.NONE, () -> true).plan(target, declare(Map.of("x", "1"), Map.of()));
    assertThat(report.status()).isEqualTo(HostReport.Status.CANCELLED);
    assertThat(report.changes()).isEmpty();
    assertThat(report.error()).isEqualTo("cancelled before reading map");
  }
}
