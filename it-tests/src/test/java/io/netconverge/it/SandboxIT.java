package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.sandbox.Sandbox;
import io.netconverge.core.sandbox.SandboxInterface;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxIT {

  private static String netns() throws Exception {
    return new LocalExecutor().check("ip", "netns", "list").stdout();
  }

  @Test
  void interfacesGetTheirAddressesAndAPeerAnswersAtTheGateway() throws Exception {
    List<SandboxInterface> interfaces =
        List.of(
            new SandboxInterface("wan0", List.of("198.51.100.2/24"), List.of("198.51.100.1")),
            new SandboxInterface(
                "wan1",
                List.of("203.0.113.2/24", "2001:db8:1::2/64"),
                List.of("203.0.113.1", "2001:db8:1::1")),
            SandboxInterface.bare("lan0"));
    String name;
    try (Sandbox box = Sandbox.create(new LocalExecutor(), interfaces)) {
      name = box.namespace();
      assertThat(netns()).contains(name, name + "-up");
      String addrs = box.executor().check("ip", "-br", "addr", "show").stdout();
      assertThat(addrs)
          .contains("wan0@", "198.51.100.2/24", "203.0.113.2/24", "2001:db8:1::2/64", "lan0@");
      // Traffic stays between the sandbox and its own upstream namespace.
      assertThat(box.executor().check("ping", "-c1", "-W2", "198.51.100.1").exitCode()).isZero();
      assertThat(box.executor().check("ping", "-c1", "-W2", "2001:db8:1::1").exitCode()).isZero();
      // A route via the gateway is accepted, as a routing table of the host state needs.
      box.executor().check("ip", "route", "add", "default", "via", "203.0.113.1", "table", "120");
    }
    assertThat(netns()).doesNotContain(name);
  }

  @Test
  void aFailedBuildLeavesNothingBehind() throws Exception {
    // Other tests make sandboxes at the same time: follow the namespaces this build adds.
    List<String> added = new java.util.concurrent.CopyOnWriteArrayList<>();
    LocalExecutor local = new LocalExecutor();
    io.netconverge.core.exec.Executor recording =
        new io.netconverge.core.exec.Executor() {
          @Override
          public io.netconverge.core.exec.ExecResult run(io.netconverge.core.exec.Command c)
              throws io.netconverge.core.exec.ExecException {
            List<String> argv = c.argv();
            int add = argv.indexOf("add");
            if (argv.contains("netns") && add >= 0 && add + 1 < argv.size()) {
              added.add(argv.get(add + 1));
            }
            return local.run(c);
          }

          @Override
          public String describe() {
            return local.describe();
          }
        };
    List<SandboxInterface> clash =
        List.of(SandboxInterface.bare("same0"), SandboxInterface.bare("same0"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sandbox.create(recording, clash))
        .hasMessageContaining("ip -batch -");
    assertThat(added).as("the build made namespaces before it failed").isNotEmpty();
    List<String> present = List.of(netns().split("\\s+"));
    assertThat(present).doesNotContainAnyElementsOf(added);
  }
}
