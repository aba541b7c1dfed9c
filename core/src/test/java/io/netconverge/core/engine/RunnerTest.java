package io.netconverge.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.core.testing.FakeExecutor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerTest {

  /** A module whose target rejects the declaration while reading it. */
  static final class Rejecting implements ResourceModule<String> {
    final List<String> applied = new ArrayList<>();

    @Override
    public String kind() {
      return "rejecting";
    }

    @Override
    public String read(Executor executor, String declared) throws ExecException {
      throw new DeclarationRejectedException(
          List.of(new SpecProblem("host.yaml", 7, 9, "items[0].rules[1]", "the tool said no")));
    }

    @Override
    public List<Change> diff(String declared, String live) {
      return List.of(Change.update("thing", live, declared, List.of()));
    }

    @Override
    public void apply(Executor executor, String declared, String live, List<Change> changes) {
      applied.add(declared);
    }
  }

  @Test
  void aDeclarationTheTargetRejectsIsInvalidInPlanAndApplyAndNothingIsApplied(@TempDir Path locks) {
    FakeExecutor executor =
        new FakeExecutor().on(List.of("readlink", "/proc/self/ns/net"), "net:[4026531840]\n");
    Target target = new LocalTarget("t", executor, new NamespaceLock(locks));
    Rejecting module = new Rejecting();
    List<Declared<?>> declared = List.of(new Declared<>(module, "x"));

    HostReport plan = new Runner().plan(target, declared);
    HostReport apply = new Runner().apply(target, declared);

    for (HostReport report : List.of(plan, apply)) {
      assertThat(report.status()).isEqualTo(HostReport.Status.INVALID);
      assertThat(report.error()).isEqualTo("host.yaml:7:9: items[0].rules[1]: the tool said no");
      assertThat(report.failed()).isEqualTo(1);
      assertThat(report.changed()).isZero();
    }
    assertThat(module.applied).isEmpty();
  }
}
