package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Progress;
import io.netconverge.hoststate.HostState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dualWan profile's outbound keys on a real kernel: what a converge changes when a policy or a
 * WAN is added, as the target's own nft and iptables print it.
 */
@ExtendWith(NetnsExtension.class)
class OutboundIT {

  private static String wan(int n, String extra) {
    return "    - { name: isp"
        + n
        + ", interface: wan"
        + n
        + ", mark: "
        + n * 16
        + ", table: "
        + (100 + n * 10)
        + ", gateway: 198.18."
        + n
        + ".1, address: 198.18."
        + n
        + ".2/24, masquerade: true"
        + extra
        + " }\n";
  }

  private static String profile(String backend, String wans, String policies) {
    return "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n"
        + "dualWan:\n  backend: "
        + backend
        + "\n  markMask: \"0xff\"\n  wans:\n"
        + wans
        + "  balance:\n    weights: { isp1: 3, isp2: 1 }\n"
        + "    sticky: { by: source, timeout: 600s }\n"
        + "  policies:\n    - { to: 198.18.0.0/24, use: isp2 }\n"
        + policies
        + "  portForwards:\n    - { wan: any, protocol: tcp, port: 8080, to: \"192.0.2.10:80\" }\n";
  }

  private static HostState load(Path dir, String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return Netconverge.load(file);
  }

  private static Set<String> lines(Change c, boolean before) {
    Set<String> lines = new HashSet<>();
    for (FieldChange f : c.fields()) {
      String text = before ? f.beforeText() : f.afterText();
      if (text != null) {
        text.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(lines::add);
      }
    }
    return lines;
  }

  /** The lines a change adds, after checking that it removes none. */
  private static Set<String> added(Change c) {
    Set<String> before = lines(c, true);
    Set<String> after = lines(c, false);
    assertThat(after).as("%s keeps every line it had", c).containsAll(before);
    Set<String> added = new HashSet<>(after);
    added.removeAll(before);
    return added;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"nftables", "iptables"})
  void addingAPolicyOrAWanChangesOnlyItsOwnLines(
      String backend, TestNamespace ns, @TempDir Path dir) throws Exception {
    for (int n = 1; n <= 3; n++) {
      ns.addVethPair("wan" + n, "wan" + n + "p");
      ns.run("ip", "addr", "add", "198.18." + n + ".2/24", "dev", "wan" + n);
    }
    String two = wan(1, "") + wan(2, "");
    HostState base = load(dir, "base.yaml", profile(backend, two, ""));
    assertThat(Netconverge.apply(base, ns.target(), Progress.NONE).status())
        .isEqualTo(HostReport.Status.CHANGED);

    String policy = "    - { to: 100.64.0.0/10, protocol: tcp, port: 443, use: isp1 }\n";
    HostState withPolicy = load(dir, "policy.yaml", profile(backend, two, policy));
    List<Change> adding = Netconverge.plan(withPolicy, ns.target(), Progress.NONE).pending();
    assertThat(adding).as("%s", adding).hasSize(1);
    Change c = adding.get(0);
    if (backend.equals("nftables")) {
      assertThat(c.resource().render()).isEqualTo("nftables table inet dualwan");
      assertThat(added(c)).containsExactly("ip daddr 100.64.0.0/10 tcp dport 443 goto to-isp1");
    } else {
      assertThat(c.resource().render()).isEqualTo("iptables mangle NC-DUALWAN-OUTBOUND");
      assertThat(added(c))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .contains("-d 100.64.0.0/10", "--dport 443", "--set-xmark 0x10/0xff"));
    }
    assertThat(Netconverge.apply(withPolicy, ns.target(), Progress.NONE).status())
        .isEqualTo(HostReport.Status.CHANGED);

    // A third WAN, not in the balance: its own table, rules and sysctls, and its own lines.
    HostState three = load(dir, "three.yaml", profile(backend, two + wan(3, ""), policy));
    List<Change> wan3 = Netconverge.plan(three, ns.target(), Progress.NONE).pending();
    assertThat(wan3).isNotEmpty();
    for (Change change : wan3) {
      String r = change.resource().render();
      if (r.contains("isp3") || r.contains("wan3") || r.matches(".*\\b(10|15|20|25)130\\b.*")) {
        continue;
      }
      assertThat(r)
          .as("a change outside the third WAN: %s", change)
          .matches("nftables table inet dualwan|iptables (mangle|nat) NC-DUALWAN-[A-Z]+");
      assertThat(added(change))
          .as("%s: lines added", r)
          .isNotEmpty()
          .allMatch(
              l -> l.contains("wan3") || l.contains("isp3") || l.contains("0x30") || l.equals("}"));
    }
    assertThat(Netconverge.apply(three, ns.target(), Progress.NONE).status())
        .isEqualTo(HostReport.Status.CHANGED);
    assertThat(Netconverge.plan(three, ns.target(), Progress.NONE).pending()).isEmpty();
  }
}
