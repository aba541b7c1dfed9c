package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netconverge.Converger;
import io.netconverge.FleetHost;
import io.netconverge.FleetReport;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.PendingPart;
import io.netconverge.hoststate.HostState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet of two dual-WAN routers (network namespaces): each host's WANs are read as they are, as
 * for a single host. ISP1's gateway comes from DHCP (the test plays the client: a {@code proto
 * dhcp} default on wan1); on the second router wan2 is down.
 */
@ExtendWith(NetnsExtension.class)
class FleetWanIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String PROFILE =
      "apiVersion: netconverge/v1\n"
          + "kind: HostState\n"
          + "dualWan:\n"
          + "  backend: nftables\n"
          + "  markMask: \"0xff\"\n"
          + "  wans:\n"
          + "    - name: isp1\n"
          + "      interface: wan1\n"
          + "      mark: 10\n"
          + "      table: 110\n"
          + "      gateway: dhcp\n"
          + "    - name: isp2\n"
          + "      interface: wan2\n"
          + "      mark: 20\n"
          + "      table: 120\n"
          + "      gateway: 198.51.100.1\n"
          + "      address: 198.51.100.2/24\n";

  @TempDir Path dir;

  /** wan1 with the address and default route a DHCP client would leave; wan2 static. */
  private static void router(TestNamespace ns) {
    ns.addVethPair("wan1", "wan1peer");
    ns.run("ip", "address", "add", "192.0.2.2/24", "dev", "wan1");
    ns.run("ip", "route", "add", "default", "via", "192.0.2.1", "dev", "wan1", "proto", "dhcp");
    ns.addVethPair("wan2", "wan2peer");
    ns.run("ip", "address", "add", "198.51.100.2/24", "dev", "wan2");
  }

  private Path inventory(String first, String second) throws Exception {
    Files.writeString(dir.resolve("router.yaml"), PROFILE);
    Path file = dir.resolve("fleet.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\n"
            + "kind: Inventory\n"
            + "groups:\n"
            + "  - name: routers\n"
            + "    hostState: router.yaml\n"
            + "    hosts:\n"
            + "      - { name: r1, netns: "
            + first
            + " }\n"
            + "      - { name: r2, netns: "
            + second
            + " }\n");
    return file;
  }

  @Test
  void eachHostsWansAreReadAWanDownIsPendingThereExit3AndTheOtherHostConverges(TestNamespace ns)
      throws Exception {
    String second = ns.name() + "-2";
    TestNamespace.hostRun("ip", "netns", "add", second);
    try {
      TestNamespace r2 = new TestNamespace(second);
      router(ns);
      router(r2);
      r2.run("ip", "link", "set", "wan2", "down");
      Path file = inventory(ns.name(), second);

      // The library, as an embedding program sees it: typed pending parts in the host's report.
      HostState state = io.netconverge.Netconverge.load(dir.resolve("router.yaml"));
      String before = r2.dump();
      try (Converger converger = Converger.create()) {
        FleetReport plan =
            converger.run(
                Mode.PLAN,
                List.of(new FleetHost(ns.target(), state), new FleetHost(r2.target(), state)));
        HostReport first = plan.hosts().get(0);
        HostReport down = plan.hosts().get(1);
        assertThat(first.pendingParts()).isEmpty();
        assertThat(down.pendingParts())
            .contains(new PendingPart("isp2", "route table isp2 (120)", "interface wan2 is down"));
        assertThat(down.status()).isEqualTo(HostReport.Status.CHANGED);
        assertThat(plan.wans(down.host()))
            .filteredOn(w -> w.name().equals("isp1"))
            .singleElement()
            .satisfies(w -> assertThat(w.gateway4()).isEqualTo("192.0.2.1"));
      }
      assertThat(r2.dump()).as("plan changes nothing").isEqualTo(before);

      Cli apply = Cli.run("apply", "--forks", "2", file.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(3);
      assertThat(apply.out())
          .contains("pending isp2: route table isp2 (120): interface wan2 is down")
          .doesNotContain("pending isp1");
      // r1 converged whole: ISP1's table through the gateway DHCP gave, ISP2's static one.
      assertThat(ns.run("ip", "route", "show", "table", "110")).contains("default via 192.0.2.1");
      assertThat(ns.run("ip", "route", "show", "table", "120"))
          .contains("default via 198.51.100.1");
      // r2 converged all but ISP2's table: the DHCP gateway too, and the marking table.
      assertThat(r2.run("ip", "route", "show", "table", "110")).contains("default via 192.0.2.1");
      // (no route at all: the kernel has no table 120 there)
      assertThat(r2.attempt("ip", "route", "show", "table", "120").stdout())
          .doesNotContain("default");
      assertThat(r2.run("nft", "list", "tables")).contains("table inet dualwan");

      Cli json = Cli.run("apply", "--output", "json", file.toString());
      assertThat(json.exitCode()).as(json.toString()).isEqualTo(3);
      JsonNode hosts = JSON.readTree(json.out()).path("hosts");
      assertThat(hosts.get(0).path("pending").size()).isZero();
      assertThat(hosts.get(1).path("pending").get(0).path("wan").asText()).isEqualTo("isp2");
      assertThat(hosts.get(1).path("pending").get(0).path("reason").asText())
          .isEqualTo("interface wan2 is down");
      assertThat(hosts.get(1).path("changed").asInt())
          .as("the second run changes nothing")
          .isZero();

      r2.run("ip", "link", "set", "wan2", "up");
      Cli complete = Cli.run("apply", file.toString());
      assertThat(complete.exitCode()).as(complete.toString()).isZero();
      assertThat(complete.out()).doesNotContain("pending");
      assertThat(r2.run("ip", "route", "show", "table", "120"))
          .contains("default via 198.51.100.1");
      Cli again = Cli.run("plan", file.toString());
      assertThat(again.exitCode()).as(again.toString()).isZero();
      assertThat(again.out()).contains("r1 : ok=").contains("r2 : ok=").contains("changed=0");
    } finally {
      TestNamespace.hostRun("ip", "netns", "del", second);
    }
  }
}
