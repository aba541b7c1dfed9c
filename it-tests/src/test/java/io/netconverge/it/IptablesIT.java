package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Declared;
import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.NamespaceLock;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.exec.CanonicalCache;
import io.netconverge.core.exec.CountingExecutor;
import io.netconverge.core.net.Family;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.hoststate.HostState;
import io.netconverge.iptables.IptablesBackend;
import io.netconverge.iptables.IptablesChain;
import io.netconverge.iptables.IptablesResource;
import io.netconverge.iptables.IptablesState;
import io.netconverge.iptables.IptablesTable;
import io.netconverge.iptables.JumpPosition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NetnsExtension.class)
class IptablesIT {

  private static final String JUMP = "-m comment --comment netconverge -j ";

  /** Rules somebody else made: fail2ban's jump and chain, a foreign mangle chain, a NAT rule. */
  private static final String FOREIGN =
      "*filter\n"
          + ":f2b-sshd - [0:0]\n"
          + "-A INPUT -p tcp --dport 22 -j f2b-sshd\n"
          + "-A f2b-sshd -s 192.0.2.7/32 -j REJECT\n"
          + "-A f2b-sshd -j RETURN\n"
          + "COMMIT\n"
          + "*mangle\n"
          + ":FOREIGN - [0:0]\n"
          + "-A PREROUTING -j FOREIGN\n"
          + "-A FOREIGN -j MARK --set-mark 0x100/0x100\n"
          + "COMMIT\n"
          + "*nat\n"
          + "-A POSTROUTING -o eth9 -j SNAT --to-source 192.0.2.1\n"
          + "COMMIT\n";

  private static Path file(Path dir, String body) throws Exception {
    Path f = dir.resolve("host.yaml");
    Files.writeString(f, "apiVersion: netconverge/v1\nkind: HostState\n" + body);
    return f;
  }

  private static String chain(String name, String from, String position, String... rules) {
    StringBuilder sb =
        new StringBuilder(
            "  - table: mangle\n    chain: " + name + "\n    jumpFrom: " + from + "\n");
    if (position != null) {
      sb.append("    position: ").append(position).append('\n');
    }
    sb.append("    rules:\n");
    for (String rule : rules) {
      sb.append("      - \"").append(rule).append("\"\n");
    }
    return sb.toString();
  }

  private static List<String> rulesOf(String save, String chain) {
    return save.lines()
        .filter(l -> l.startsWith("-A " + chain + " "))
        .map(l -> l.substring(("-A " + chain + " ").length()))
        .toList();
  }

  /** Every rule and user chain netconverge does not own, as printed. */
  private static List<String> foreignLines(String save) {
    return save.lines()
        .filter(l -> l.startsWith("-A ") || (l.startsWith(":") && l.contains(" - [")))
        .filter(l -> !l.contains("NC-"))
        .toList();
  }

  @Test
  void markAndAddressSpellingsEqualWhatTheHostPrints(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ns.runWithStdin(
        "*mangle\n:NC-MARK - [0:0]\n"
            + "-A PREROUTING "
            + JUMP
            + "NC-MARK\n"
            + "-A NC-MARK -j MARK --set-xmark 0xa/0xffffffff\n"
            + "-A NC-MARK -s 10.31.66.0/24 -j RETURN\n"
            + "-A NC-MARK -d 1.2.3.4/32 -j RETURN\n"
            + "COMMIT\n",
        "iptables-nft-restore");
    String declared =
        "iptables:\n"
            + chain(
                "NC-MARK",
                "PREROUTING",
                null,
                "-j MARK --set-mark 10",
                "-s 10.31.66.9/24 -j RETURN",
                "-d 1.2.3.4 -j RETURN");
    String before = ns.dump();

    Cli same = Cli.run("plan", "--netns", ns.name(), file(dir, declared).toString());
    assertThat(same.exitCode()).as(same.toString()).isZero();
    assertThat(same.out()).contains("ok=1 changed=0 failed=0");

    Cli narrower =
        Cli.run(
            "plan",
            "--diff",
            "--netns",
            ns.name(),
            file(dir, declared.replace("--set-mark 10", "--set-xmark 0xa/0xff")).toString());
    assertThat(narrower.exitCode()).as(narrower.toString()).isEqualTo(2);
    assertThat(narrower.out())
        .contains("~ iptables mangle NC-MARK")
        .contains("+ -j MARK --set-xmark 0xa/0xff\n")
        .contains("- -j MARK --set-xmark 0xa/0xffffffff\n")
        .doesNotContain("10.31.66");
    // Both plans ran the throw-away namespace; the host is as it was.
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void rulesInAnotherOrderAreMovedBackToTheDeclaredOrder(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ns.runWithStdin(
        "*mangle\n:NC-ORDER - [0:0]\n"
            + "-A PREROUTING "
            + JUMP
            + "NC-ORDER\n"
            + "-A NC-ORDER -i veth1 -j RETURN\n"
            + "-A NC-ORDER -i veth0 -j RETURN\n"
            + "-A NC-ORDER -i veth2 -j RETURN\n"
            + "COMMIT\n",
        "iptables-nft-restore");
    Path f =
        file(
            dir,
            "iptables:\n"
                + chain(
                    "NC-ORDER",
                    "PREROUTING",
                    null,
                    "-i veth0 -j RETURN",
                    "-i veth1 -j RETURN",
                    "-i veth2 -j RETURN"));

    Cli plan = Cli.run("plan", "--diff", "--netns", ns.name(), f.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out()).contains("moved from");

    Cli apply = Cli.run("apply", "--netns", ns.name(), f.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(rulesOf(ns.run("iptables-nft-save"), "NC-ORDER"))
        .containsExactly("-i veth0 -j RETURN", "-i veth1 -j RETURN", "-i veth2 -j RETURN");
    assertThat(Cli.run("plan", "--netns", ns.name(), f.toString()).exitCode()).isZero();
  }

  @Test
  void foreignRulesAndChainsSurviveEveryRun(TestNamespace ns, @TempDir Path dir) throws Exception {
    ns.runWithStdin(FOREIGN, "iptables-nft-restore");
    List<String> foreign = foreignLines(ns.run("iptables-nft-save"));
    assertThat(foreign).hasSize(8);
    String example = Cli.example("iptables-basics.yaml");

    Cli apply = Cli.run("apply", "--netns", ns.name(), example);
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    String save = ns.run("iptables-nft-save");
    assertThat(foreignLines(save)).isEqualTo(foreign);
    // first: before fail2ban-like foreign rules; last: after them.
    assertThat(rulesOf(save, "PREROUTING")).containsExactly(JUMP + "NC-PREROUTING", "-j FOREIGN");
    assertThat(rulesOf(save, "POSTROUTING"))
        .containsExactly("-o eth9 -j SNAT --to-source 192.0.2.1", JUMP + "NC-POSTROUTING");

    Cli again = Cli.run("apply", "--netns", ns.name(), example);
    assertThat(again.out()).as(again.toString()).contains("changed=0");
    assertThat(foreignLines(ns.run("iptables-nft-save"))).isEqualTo(foreign);

    // fail2ban restarts and puts its jump first; ours is moved back in front, its stays.
    ns.run("iptables-nft", "-t", "mangle", "-I", "PREROUTING", "1", "-j", "FOREIGN");
    Cli moved = Cli.run("apply", "--netns", ns.name(), example);
    assertThat(moved.out()).as(moved.toString()).contains("changed=1");
    assertThat(rulesOf(ns.run("iptables-nft-save"), "PREROUTING"))
        .containsExactly(JUMP + "NC-PREROUTING", "-j FOREIGN", "-j FOREIGN");
    ns.run("iptables-nft", "-t", "mangle", "-D", "PREROUTING", "-j", "FOREIGN");

    // No chains declared any more: ours go with their jumps, nothing else does.
    Cli none = Cli.run("apply", "--netns", ns.name(), file(dir, "iptables: []\n").toString());
    assertThat(none.exitCode()).as(none.toString()).isZero();
    assertThat(none.out()).contains("- iptables mangle NC-PREROUTING").contains("changed=4");
    String after = ns.run("iptables-nft-save");
    assertThat(after).doesNotContain("NC-").doesNotContain("netconverge");
    assertThat(ns.run("ip6tables-nft-save")).doesNotContain("NC-");
    assertThat(foreignLines(after)).isEqualTo(foreign);
  }

  @Test
  void anIpv6ChainChangesOnlyIp6tables(TestNamespace ns, @TempDir Path dir) throws Exception {
    ns.runWithStdin(FOREIGN, "iptables-nft-restore");
    String v4 = ns.run("iptables-nft-save").replaceAll("(?m)^#.*\n", "");
    String v4legacy = ns.run("iptables-legacy-save").replaceAll("(?m)^#.*\n", "");
    Path f =
        file(
            dir,
            "iptables:\n  - family: ipv6\n"
                + chain("NC-V6", "PREROUTING", null, "-s 2001:db8::1/64 -j MARK --set-mark 20")
                    .replaceFirst("  - ", "    "));

    Cli apply = Cli.run("apply", "--netns", ns.name(), f.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(rulesOf(ns.run("ip6tables-nft-save"), "NC-V6"))
        .containsExactly("-s 2001:db8::/64 -j MARK --set-xmark 0x14/0xffffffff");
    assertThat(ns.run("iptables-nft-save").replaceAll("(?m)^#.*\n", "")).isEqualTo(v4);
    assertThat(ns.run("iptables-legacy-save").replaceAll("(?m)^#.*\n", "")).isEqualTo(v4legacy);
    assertThat(Cli.run("plan", "--netns", ns.name(), f.toString()).exitCode()).isZero();
  }

  @Test
  void planChangesNothingAlsoWhenItCanonicalizes(TestNamespace ns) {
    ns.runWithStdin(FOREIGN, "iptables-nft-restore");
    String before = ns.dump();
    Cli plan = Cli.run("plan", "--diff", "--netns", ns.name(), Cli.example("iptables-basics.yaml"));
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out()).contains("--set-xmark 0xa/0xff");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void aRuleIptablesRejectsExits65NamingItsLineAndTouchesNothing(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    ns.runWithStdin(FOREIGN, "iptables-nft-restore");
    Path f =
        file(
            dir,
            "iptables:\n"
                + chain(
                    "NC-BAD",
                    "PREROUTING",
                    null,
                    "-j RETURN",
                    "-m conntrack --ctstate NEW -j CONNMARK --set-mrak 10"));
    String before = ns.dump();

    Cli apply = Cli.run("apply", "--netns", ns.name(), f.toString());

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(apply.err())
        .contains(
            f
                + ":9:9: iptables[0].rules[1]: iptables rejected the rule"
                + " '-m conntrack --ctstate NEW -j CONNMARK --set-mrak 10' of chain NC-BAD:"
                + " unknown option \"--set-mrak\"")
        .contains("nothing was changed");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void everyRuleTheToolRefusesIsNamedAtOnceAndNothingChanges(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ns.runWithStdin(FOREIGN, "iptables-nft-restore");
    Path f =
        file(
            dir,
            "iptables:\n"
                + chain(
                    "NC-BAD",
                    "PREROUTING",
                    null,
                    "-j RETURN",
                    "-m conntrack --ctstate NEW -j CONNMARK --set-mrak 10",
                    "-j RETURN",
                    "-p tcp --dport 99999 -j RETURN",
                    "-p tcp --dport 99999 -j ACCEPT"));
    String before = ns.dump();

    Cli apply = Cli.run("apply", "--netns", ns.name(), f.toString());

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    assertThat(apply.err())
        .contains(f + ":9:9: iptables[0].rules[1]: iptables rejected the rule")
        .contains(f + ":11:9: iptables[0].rules[3]: iptables rejected the rule")
        // The same mistake twice is two problems.
        .contains(f + ":12:9: iptables[0].rules[4]: iptables rejected the rule")
        .doesNotContain("rules[0]")
        .doesNotContain("rules[2]");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void aDuplicatedOwnedJumpIsLeftOnceAndAMovedPositionIsFollowed(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    ns.runWithStdin(
        "*mangle\n:NC-DUP - [0:0]\n:FOREIGN - [0:0]\n"
            + "-A PREROUTING "
            + JUMP
            + "NC-DUP\n"
            + "-A PREROUTING -j FOREIGN\n"
            + "-A PREROUTING "
            + JUMP
            + "NC-DUP\n"
            + "-A NC-DUP -j RETURN\n"
            + "COMMIT\n",
        "iptables-nft-restore");
    Path first = file(dir, "iptables:\n" + chain("NC-DUP", "PREROUTING", "first", "-j RETURN"));

    Cli plan = Cli.run("plan", "--diff", "--netns", ns.name(), first.toString());
    assertThat(plan.out()).as(plan.toString()).contains("- PREROUTING first, PREROUTING last");
    assertThat(Cli.run("apply", "--netns", ns.name(), first.toString()).exitCode()).isZero();
    assertThat(rulesOf(ns.run("iptables-nft-save"), "PREROUTING"))
        .containsExactly(JUMP + "NC-DUP", "-j FOREIGN");

    Path last = file(dir, "iptables:\n" + chain("NC-DUP", "PREROUTING", "last", "-j RETURN"));
    Cli moved = Cli.run("apply", "--netns", ns.name(), last.toString());
    assertThat(moved.out()).as(moved.toString()).contains("changed=1");
    assertThat(rulesOf(ns.run("iptables-nft-save"), "PREROUTING"))
        .containsExactly("-j FOREIGN", JUMP + "NC-DUP");
    assertThat(Cli.run("plan", "--netns", ns.name(), last.toString()).exitCode()).isZero();
  }

  @Test
  void ownedChainsThatJumpToEachOtherGoTogether(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ns.runWithStdin(
        "*mangle\n:NC-A - [0:0]\n:NC-B - [0:0]\n"
            + "-A PREROUTING "
            + JUMP
            + "NC-B\n"
            + "-A PREROUTING "
            + JUMP
            + "NC-A\n"
            + "-A NC-A -j NC-B\n"
            + "-A NC-B -j RETURN\n"
            + "COMMIT\n",
        "iptables-nft-restore");

    Cli apply = Cli.run("apply", "--netns", ns.name(), file(dir, "iptables: []\n").toString());

    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("changed=2");
    assertThat(ns.run("iptables-nft-save")).doesNotContain("NC-");
  }

  @Test
  void anOwnedChainAForeignRuleStillUsesFailsTheApplyAndNothingChanges(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    ns.runWithStdin(
        "*mangle\n:NC-OLD - [0:0]\n:FOREIGN - [0:0]\n"
            + "-A PREROUTING "
            + JUMP
            + "NC-OLD\n"
            + "-A NC-OLD -j RETURN\n"
            + "-A FOREIGN -j NC-OLD\n"
            + "COMMIT\n",
        "iptables-nft-restore");
    Path f = file(dir, "iptables:\n" + chain("NC-NEW", "PREROUTING", null, "-j RETURN"));
    String before = ns.dump();

    Cli apply = Cli.run("apply", "--netns", ns.name(), f.toString());

    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.out()).contains("chain NC-OLD").contains("was restored");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void theLegacyBackendIsConvergedWithItsOwnTools(TestNamespace ns) {
    ns.runWithStdin(FOREIGN, "iptables-legacy-restore");
    List<String> foreign = foreignLines(ns.run("iptables-legacy-save"));
    String nftBefore = ns.run("iptables-nft-save").replaceAll("(?m)^#.*\n", "");
    HostState state =
        new HostState(
            List.of(
                new Declared<>(
                    new IptablesResource(IptablesBackend.LEGACY, SpecSource.none()),
                    IptablesState.declared(
                        List.of(
                            chain4("NC-PREROUTING", "PREROUTING", "-j MARK --set-mark 10"),
                            chain4("NC-OUTPUT", "OUTPUT", "-j MARK --set-mark 20"))))),
            List.of());

    HostReport first = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(first.status()).as(first.error()).isEqualTo(HostReport.Status.CHANGED);
    String legacy = ns.run("iptables-legacy-save");
    assertThat(rulesOf(legacy, "PREROUTING")).containsExactly(JUMP + "NC-PREROUTING", "-j FOREIGN");
    assertThat(rulesOf(legacy, "NC-OUTPUT")).containsExactly("-j MARK --set-xmark 0x14/0xffffffff");
    assertThat(foreignLines(legacy)).isEqualTo(foreign);
    assertThat(ns.run("iptables-nft-save").replaceAll("(?m)^#.*\n", "")).isEqualTo(nftBefore);

    HostReport second = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(second.status()).isEqualTo(HostReport.Status.OK);
  }

  @Test
  void aHostWhoseRulesAreAllInLegacyTablesIsConvergedThere(TestNamespace ns) {
    ns.runWithStdin(FOREIGN, "iptables-legacy-restore");
    String example = Cli.example("iptables-basics.yaml");

    Cli apply = Cli.run("apply", "--netns", ns.name(), example);
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(ns.run("iptables-legacy-save")).contains(JUMP + "NC-PREROUTING");
    assertThat(ns.run("iptables-nft-save")).doesNotContain("NC-");
    // ip6tables had no rules in either backend: iptables' own choice, nft, holds them.
    assertThat(ns.run("ip6tables-nft-save")).contains(JUMP + "NC-PREROUTING");
    assertThat(Cli.run("plan", "--netns", ns.name(), example).exitCode()).isZero();
  }

  private static IptablesChain chain4(String name, String from, String... rules) {
    return new IptablesChain(
        Family.IPV4, IptablesTable.MANGLE, name, from, JumpPosition.FIRST, List.of(rules), null);
  }

  @Test
  void aSecondPlanNeedsNoThrowAwayNamespaceUnlessTheRulesChange(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    List<IptablesChain> chains =
        List.of(
            chain4("NC-CACHE", "PREROUTING", "-j MARK --set-mark 10", "-s 10.1.0.0/16 -j RETURN"),
            new IptablesChain(
                Family.IPV6,
                IptablesTable.MANGLE,
                "NC-CACHE",
                "PREROUTING",
                JumpPosition.FIRST,
                List.of("-j MARK --set-mark 10"),
                null));
    HostState state =
        new HostState(
            List.of(
                new Declared<>(
                    new IptablesResource(
                        null, SpecSource.none(), new CanonicalCache(dir.resolve("canonical"))),
                    IptablesState.declared(chains))),
            List.of());
    HostReport applied = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(applied.status()).as(applied.toString()).isEqualTo(HostReport.Status.CHANGED);

    RecordingExecutor second = new RecordingExecutor(ns.executor());
    HostReport plan =
        Netconverge.plan(
            state, new Host("second", second, NamespaceLock.standard()), Progress.NONE);
    assertThat(plan.status()).as(plan.toString()).isEqualTo(HostReport.Status.OK);
    assertThat(second.throwAwayNamespaces()).as(second.argvs().toString()).isZero();

    // Someone changes a rule: the remembered forms show a change, so both families are
    // canonicalized for real before the plan is made, and the plan puts the rule back.
    ns.run("iptables-nft", "-t", "mangle", "-R", "NC-CACHE", "1", "-j", "MARK", "--set-mark", "11");
    RecordingExecutor third = new RecordingExecutor(ns.executor());
    HostReport drifted =
        Netconverge.plan(state, new Host("third", third, NamespaceLock.standard()), Progress.NONE);
    assertThat(drifted.status()).as(drifted.toString()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(third.throwAwayNamespaces()).isEqualTo(2);
    HostReport back = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(back.status()).as(back.toString()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(rulesOf(ns.run("iptables-nft-save"), "NC-CACHE"))
        .containsExactly("-j MARK --set-xmark 0xa/0xffffffff", "-s 10.1.0.0/16 -j RETURN");
  }

  @Test
  void aConvergeSpawnsAsManyProcessesForSixtyRulesAsForThree(TestNamespace ns) throws Exception {
    int[] small = converge(ns, 3);
    int[] large = converge(ns, 60);
    assertThat(large).containsExactly(small);
    // plan: version, two saves, the nft chains (which base chains exist: a restore needs it), one
    // lookup of the canonical cache, then (the host differs) one throw-away namespace per family,
    // and its canonical form remembered, one entry per family.
    assertThat(small[0]).isEqualTo(4 + 1 + 2 + 2);
    // apply: the lock's namespace id, that read and canonicalization, the check that no earlier
    // apply awaits its confirm, one restore per family, the verifying read (version, two saves
    // and the nft chains: the canonical form is the one made before).
    assertThat(small[1]).isEqualTo(1 + 9 + 1 + 2 + 4);
  }

  /** Plans and applies n rules in each family; returns the processes each spawned. */
  private static int[] converge(TestNamespace ns, int n) throws Exception {
    List<IptablesChain> chains = new ArrayList<>();
    for (Family family : Family.values()) {
      List<String> rules =
          IntStream.range(0, n).mapToObj(i -> "-m mark --mark " + (i + 1) + " -j RETURN").toList();
      chains.add(
          new IptablesChain(
              family,
              IptablesTable.MANGLE,
              "NC-" + n,
              "PREROUTING",
              JumpPosition.FIRST,
              rules,
              null));
    }
    HostState state =
        new HostState(
            List.of(
                new Declared<>(
                    new IptablesResource(SpecSource.none()), IptablesState.declared(chains))),
            List.of());
    CountingExecutor planCount = new CountingExecutor(ns.executor());
    HostReport plan =
        Netconverge.plan(
            state, new Host("plan", planCount, NamespaceLock.standard()), Progress.NONE);
    assertThat(plan.status()).as(plan.error()).isEqualTo(HostReport.Status.CHANGED);
    CountingExecutor applyCount = new CountingExecutor(ns.executor());
    HostReport apply =
        Netconverge.apply(
            state, new Host("apply", applyCount, NamespaceLock.standard()), Progress.NONE);
    assertThat(apply.status()).as(apply.error()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(rulesOf(ns.run("iptables-nft-save"), "NC-" + n)).hasSize(n);
    return new int[] {planCount.count(), applyCount.count()};
  }

  @Test
  void theExampleConvergesInTheSandbox() {
    Cli sandbox = Cli.run("apply", "--sandbox", Cli.example("iptables-basics.yaml"));
    assertThat(sandbox.exitCode()).as(sandbox.toString()).isZero();
    assertThat(sandbox.out()).contains("changed=4").contains("ok=4 changed=0 failed=0");
  }
}
