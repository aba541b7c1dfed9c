package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apply --confirm-timeout --confirm-when-healthy} on a dual-WAN router ({@link
 * DualIspNetwork}): the apply confirms by itself only when every tracked WAN still passes its probe
 * through the router after it. An apply that blackholes ISP2's marked traffic passes the connection
 * check (the target is a namespace) but fails ISP2's probe, so it is not confirmed and the reverter
 * on the router puts the state before it back within the timeout and 5 s.
 */
class ConfirmWhenHealthyIT {

  private static final int TIMEOUT_SECONDS = 8;

  /** Both WANs tracked by pinging the client through them (1 s, down 2), nftables marking. */
  private static final DualIspProfile PROFILE = DualIspProfile.of().tracked(true);

  @TempDir Path dir;

  /** ISP2's mark (20 = 0x14) sent to a blackhole before its table is looked up. */
  private static final String BLACKHOLE_ISP2 =
      "ipRules:\n  - { priority: 500, fwmark: \"0x14/0xff\", type: blackhole }\n";

  private Path write(String name, String yaml) throws Exception {
    return Files.writeString(dir.resolve(name), yaml);
  }

  /** A router namespace of this helper's own, with the kernel's default settings. */
  private static TestNamespace router() {
    byte[] id = new byte[3];
    new SecureRandom().nextBytes(id);
    String name = "tr-cwh-" + HexFormat.of().formatHex(id);
    TestNamespace.hostRun("ip", "netns", "add", name);
    TestNamespace ns = new TestNamespace(name);
    ns.run("ip", "link", "set", "lo", "up");
    ns.resetSysctlBaseline();
    return ns;
  }

  /**
   * The router's dump without the count of tracked connections: the probes' pings are connections
   * too (they expire by themselves), not state anything converges.
   */
  private static String state(TestNamespace ns) {
    return ns.dump().replaceAll("(?m)^net\\.netfilter\\.nf_conntrack_count = \\d+\n", "");
  }

  private static String reverterId(TestNamespace ns) {
    String link = ns.run("readlink", "/proc/self/ns/net").strip();
    return link.substring(link.indexOf('[') + 1, link.indexOf(']'));
  }

  @Test
  void anApplyThatBreaksOneWansPathIsNotConfirmedAndIsRevertedInTime() throws Exception {
    TestNamespace ns = router();
    String id = reverterId(ns);
    try (DualIspNetwork net = DualIspNetwork.build(ns)) {
      Path good = write("good.yaml", PROFILE.yaml());
      Cli first = Cli.run("apply", "--netns", ns.name(), good.toString());
      assertThat(first.exitCode()).as(first.toString()).isZero();
      String before = state(ns);

      Path broken = write("broken.yaml", PROFILE.before(BLACKHOLE_ISP2).yaml());
      long start = System.nanoTime();
      Cli apply =
          Cli.run(
              "apply",
              "--netns",
              ns.name(),
              "--confirm-timeout",
              TIMEOUT_SECONDS + "s",
              "--confirm-when-healthy",
              broken.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(4);
      assertThat(apply.err())
          .contains("probing WANs isp1, isp2")
          .contains("WAN isp1 passed (")
          .contains("WAN isp2 FAILED (2 rounds: 198.18.0.10 no answer)")
          .doesNotContain("confirmed: a new connection works");
      assertThat(apply.out())
          .contains(
              "applied, but WAN isp2 failed its probes (2 rounds: 198.18.0.10 no answer): not"
                  + " confirmed, the reverter restores the state read before apply at about");

      String after = state(ns);
      while (!after.equals(before)
          && (System.nanoTime() - start) / 1e9 < TIMEOUT_SECONDS + 5 + 10) {
        Thread.sleep(200);
        after = state(ns);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(after).as("the router's dump after the revert").isEqualTo(before);
      System.err.println("reverted after " + seconds + " s");
      assertThat(seconds).isLessThan(TIMEOUT_SECONDS + 5);
      Cli again = Cli.run("plan", "--netns", ns.name(), good.toString());
      assertThat(again.exitCode()).as(again.toString()).isZero();
    } finally {
      TestNamespace.hostRun("rm", "-f", "/run/netconverge/revert-" + id + ".log");
      TestNamespace.hostRun("ip", "netns", "del", ns.name());
    }
  }

  @Test
  void anApplyWhoseWansAllPassIsConfirmedAndStays() throws Exception {
    TestNamespace ns = router();
    String id = reverterId(ns);
    try (DualIspNetwork net = DualIspNetwork.build(ns)) {
      Path good = write("good.yaml", PROFILE.yaml());
      long start = System.nanoTime();
      Cli apply =
          Cli.run(
              "apply",
              "--netns",
              ns.name(),
              "--confirm-timeout",
              TIMEOUT_SECONDS + "s",
              "--confirm-when-healthy",
              good.toString());
      assertThat(apply.exitCode()).as(apply.toString()).isZero();
      assertThat(apply.err())
          .contains("probing WANs isp1, isp2")
          .contains("WAN isp1 passed")
          .contains("WAN isp2 passed")
          .contains("confirmed: a new connection works");
      String applied = state(ns);
      assertThat(Path.of("/run/netconverge/revert-" + id)).doesNotExist();
      // Past the timeout: nothing reverted it.
      long left = (long) (TIMEOUT_SECONDS + 2 - (System.nanoTime() - start) / 1e9);
      Thread.sleep(Math.max(0, left) * 1000);
      assertThat(state(ns)).isEqualTo(applied);
      assertThat(ns.run("ip", "-N", "rule")).contains("fwmark 0x14/0xff lookup 120");
    } finally {
      TestNamespace.hostRun("rm", "-f", "/run/netconverge/revert-" + id + ".log");
      TestNamespace.hostRun("ip", "netns", "del", ns.name());
    }
  }
}
