package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.NamespaceLock;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.exec.CountingExecutor;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.Mark;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.iprule.IpRuleSpec;
import io.netconverge.route.RouteSpec;
import io.netconverge.route.RouteTableSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Batching: the number of processes a converge spawns does not grow with the routes and rules. */
@ExtendWith(NetnsExtension.class)
class RoutingScaleIT {

  private static HostState state(Path names, int tables, int routesPerTable, int rules)
      throws InvalidSpecException {
    List<RouteTableSpec> specs = new ArrayList<>();
    for (int t = 0; t < tables; t++) {
      List<RouteSpec> routes = new ArrayList<>();
      for (int i = 0; i < routesPerTable; i++) {
        routes.add(
            RouteSpec.via("10." + t + "." + (i >> 8) + "." + (i & 255), "198.51.100.1", "wan0"));
      }
      specs.add(RouteTableSpec.of("scale" + t, 100 + t, routes));
    }
    List<IpRuleSpec> ruleSpecs = new ArrayList<>();
    for (int i = 0; i < rules; i++) {
      ruleSpecs.add(
          IpRuleSpec.fwmark(Family.IPV4, 10000 + i, Mark.of(i + 1), TableRef.id(100 + i % tables)));
    }
    HostStateSpec spec = new HostStateSpec(null, null, Map.of(), null, specs, ruleSpecs);
    return HostState.from(spec, names);
  }

  private record Run(HostReport report, int processes, long millis) {}

  private static Run apply(TestNamespace ns, HostState state) {
    CountingExecutor counting = new CountingExecutor(ns.executor());
    Host target = new Host("netns:" + ns.name(), counting, NamespaceLock.standard());
    long start = System.nanoTime();
    HostReport report = Netconverge.apply(state, target, Progress.NONE);
    return new Run(report, counting.count(), (System.nanoTime() - start) / 1_000_000);
  }

  private static Run plan(TestNamespace ns, HostState state) {
    CountingExecutor counting = new CountingExecutor(ns.executor());
    Host target = new Host("netns:" + ns.name(), counting, NamespaceLock.standard());
    long start = System.nanoTime();
    HostReport report = Netconverge.plan(state, target, Progress.NONE);
    return new Run(report, counting.count(), (System.nanoTime() - start) / 1_000_000);
  }

  @Test
  void tenThousandRoutesInTenTablesAndAThousandRulesTakeAsManyProcessesAsTenRoutes(TestNamespace ns)
      throws Exception {
    RoutingIT.uplinks(ns);
    // The tables' names are written once, before: then each apply below writes routes and rules
    // only, and their processes compare.
    Path names = java.nio.file.Files.createTempDirectory("nc-scale-names");
    Run named = apply(ns, state(names, 10, 0, 0));
    assertThat(named.report().status())
        .as(String.valueOf(named.report().error()))
        .isEqualTo(HostReport.Status.CHANGED);
    HostState small = state(names, 10, 1, 1);
    HostState large = state(names, 10, 1000, 1000);

    Run smallApply = apply(ns, small);
    assertThat(smallApply.report().status()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(smallApply.report().changed()).isEqualTo(11);
    Run smallPlan = plan(ns, small);
    assertThat(smallPlan.report().status()).isEqualTo(HostReport.Status.OK);

    Run largeApply = apply(ns, large);
    assertThat(largeApply.report().status())
        .as(String.valueOf(largeApply.report().error()))
        .isEqualTo(HostReport.Status.CHANGED);
    // 10,000 routes and 1,000 rules created; table 100's 10 routes and the 1 rule were there.
    assertThat(largeApply.report().changed()).isEqualTo(10_000 - 10 + 1_000 - 1);
    Run largePlan = plan(ns, large);
    assertThat(largePlan.report().status()).isEqualTo(HostReport.Status.OK);
    assertThat(largePlan.report().changed()).isZero();
    // 10,000 routes, 1,000 rules and the two name files.
    assertThat(largePlan.report().ok()).isEqualTo(11_002);

    assertThat(largeApply.processes()).isEqualTo(smallApply.processes());
    assertThat(largePlan.processes()).isEqualTo(smallPlan.processes());
    assertThat(ns.run("ip", "-N", "rule", "show").lines().filter(l -> l.contains("proto 77")))
        .hasSize(1000);
    assertThat(ns.run("ip", "-N", "route", "show", "table", "109").lines()).hasSize(1000);
    System.out.printf(
        "scale: apply 10 routes in 10 tables + 1 rule: %d processes, %d ms; apply 10,000 routes + 1,000 rules:"
            + " %d processes, %d ms; re-plan: %d processes, %d ms (10 routes: %d processes)%n",
        smallApply.processes(),
        smallApply.millis(),
        largeApply.processes(),
        largeApply.millis(),
        largePlan.processes(),
        largePlan.millis(),
        smallPlan.processes());
  }
}
