package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.LocalExecutor;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The launcher as a user runs it: {@code ip netns exec N bin/converge ...}, a real process. */
@ExtendWith(NetnsExtension.class)
class BinConvergeIT {

  private static ExecResult converge(String netns, String... args) throws ExecException {
    java.util.List<String> argv =
        new java.util.ArrayList<>(
            java.util.List.of(
                "ip", "netns", "exec", netns, Cli.root().resolve("bin/converge").toString()));
    argv.addAll(java.util.List.of(args));
    return new LocalExecutor().run(new Command(argv, "", Duration.ofMinutes(5)));
  }

  @Test
  void applyThenPlanThenDriftThroughTheLauncher(TestNamespace ns) throws Exception {
    ns.resetSysctlBaseline();
    String file = Cli.example("sysctl-basics.yaml");

    ExecResult apply = converge(ns.name(), "apply", file);
    assertThat(apply.exitCode()).as(apply.stderr()).isZero();
    assertThat(apply.stdout()).contains("localhost : ok=1 changed=7 failed=0");
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/ip_forward").strip()).isEqualTo("1");

    ExecResult plan = converge(ns.name(), "plan", file);
    assertThat(plan.exitCode()).isZero();
    assertThat(plan.stdout()).contains("ok=8 changed=0 failed=0");

    ns.run("sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=1");
    ExecResult drift = converge(ns.name(), "plan", "--diff", file);
    assertThat(drift.exitCode()).isEqualTo(2);
    assertThat(drift.stdout())
        .contains("~ sysctl net.ipv4.conf.all.rp_filter: 1 -> 2")
        .contains("        - 1")
        .contains("        + 2");
  }
}
