package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netconverge.Netconverge;
import io.netconverge.core.engine.Declared;
import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.NamespaceLock;
import io.netconverge.core.engine.Progress;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.CountingExecutor;
import io.netconverge.hoststate.HostState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(NetnsExtension.class)
class NftablesIT {

  private static final String EXAMPLE = Cli.example("nftables-basics.yaml");

  /** A table netconverge does not own, like fail2ban's. */
  private static final String FOREIGN =
      "table ip f2b {\n chain input {\n  type filter hook input priority filter - 1;\n"
          + "  ip saddr 192.0.2.7 counter drop\n }\n}\n";

  /** The table of the issue, written with decimal marks, odd white space, `ct state new`. */
  private static final String DECLARED =
      "apiVersion: netconverge/v1\nkind: HostState\nnftables:\n"
          + "  - table: inet dualwan\n"
          + "    definition: |\n"
          + "      chain prerouting {\n"
          + "        type filter hook prerouting priority mangle ;   policy accept ;\n"
          + "        ct state new    iifname \"wan0\"   meta mark set 10   ct mark set meta mark\n"
          + "        ct state new iifname \"wan1\" meta mark set 20 ct mark set meta mark\n"
          + "        ct state established,related   ct mark != 0   meta mark set ct mark\n"
          + "      }\n";

  @Test
  void applyThenApplyAgainChangesNothingAndTheForeignTableSurvives(TestNamespace ns) {
    ns.runWithStdin(FOREIGN, "nft", "-f", "-");
    String foreign = ns.run("nft", "list", "table", "ip", "f2b");

    Cli first = Cli.run("apply", "--netns", ns.name(), "--diff", EXAMPLE);
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out()).contains("+ nftables table inet dualwan").contains("changed=1");
    assertThat(ns.run("nft", "list", "chain", "inet", "dualwan", "prerouting"))
        .contains("ct state new iifname @wans ct mark set iifname map @wan_mark");

    Cli plan = Cli.run("plan", "--netns", ns.name(), EXAMPLE);
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    Cli again = Cli.run("apply", "--netns", ns.name(), EXAMPLE);
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("ok=1 changed=0 failed=0");
    assertThat(ns.run("nft", "list", "table", "ip", "f2b")).isEqualTo(foreign);
  }

  @Test
  void aSecondPlanNeedsNoThrowAwayNamespace(TestNamespace ns, @TempDir Path dir) throws Exception {
    Path cache = dir.resolve("canonical");
    HostState state = withCacheAt(cache, () -> Netconverge.load(write(dir, DECLARED)));
    HostReport applied = Netconverge.apply(state, ns.target(), Progress.NONE);
    assertThat(applied.status()).as(applied.toString()).isEqualTo(HostReport.Status.CHANGED);

    RecordingExecutor second = new RecordingExecutor(ns.executor());
    HostReport plan =
        Netconverge.plan(
            state, new Host("second", second, NamespaceLock.standard()), Progress.NONE);
    assertThat(plan.status()).as(plan.toString()).isEqualTo(HostReport.Status.OK);
    assertThat(second.throwAwayNamespaces()).as(second.argvs().toString()).isZero();
    try (var entries = Files.list(cache)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .singleElement()
          .asString()
          .startsWith("nftables-");
    }

    // Another definition of the table: nft makes its canonical form again, and the plan shows it.
    HostState changed =
        withCacheAt(
            cache,
            () ->
                Netconverge.load(
                    write(dir, DECLARED.replace("meta mark set 20", "meta mark set 30"))));
    RecordingExecutor third = new RecordingExecutor(ns.executor());
    HostReport replanned =
        Netconverge.plan(
            changed, new Host("third", third, NamespaceLock.standard()), Progress.NONE);
    assertThat(replanned.status()).as(replanned.toString()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(third.throwAwayNamespaces()).isEqualTo(1);
  }

  /** A host state loaded with its canonical cache in {@code cache} instead of /run/netconverge. */
  static <T> T withCacheAt(Path cache, java.util.concurrent.Callable<T> load) throws Exception {
    String before = System.getProperty("netconverge.canonical.cache");
    System.setProperty("netconverge.canonical.cache", cache.toString());
    try {
      return load.call();
    } finally {
      if (before == null) {
        System.clearProperty("netconverge.canonical.cache");
      } else {
        System.setProperty("netconverge.canonical.cache", before);
      }
    }
  }

  @Test
  void otherSpellingsOfTheLiveTableAreNoChange(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ns.runWithStdin(
        // Made by netconverge before, so it carries the owner mark.
        "table inet dualwan {\n\tcomment \"netconverge\"\n\tchain prerouting {\n"
            + "\t\ttype filter hook prerouting priority -150; policy accept;\n"
            + "\t\tct state { new } iifname \"wan0\" meta mark set 0x0000000a ct mark set mark\n"
            + "\t\tct state new iifname wan1 mark set 0x14 ct mark set meta mark\n"
            + "\t\tct state related , established ct mark != 0x0 meta mark set ct mark\n"
            + "\t}\n}\n",
        "nft",
        "-f",
        "-");
    Path file = write(dir, DECLARED);
    String before = ns.dump();
    Cli plan = Cli.run("plan", "--netns", ns.name(), "--diff", file.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out()).contains("ok=1 changed=0");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void oneRealChangeInOneRuleIsADiffOfExactlyThatRule(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    Path file = write(dir, DECLARED);
    assertThat(Cli.run("apply", "--netns", ns.name(), file.toString()).exitCode()).isZero();
    // Someone edits one rule by hand: mark 20 becomes 21.
    String handle = handleOf(ns, "meta mark set 0x00000014");
    ns.run(
        "nft",
        "replace",
        "rule",
        "inet",
        "dualwan",
        "prerouting",
        "handle",
        handle,
        "ct",
        "state",
        "new",
        "iifname",
        "wan1",
        "meta",
        "mark",
        "set",
        "21",
        "ct",
        "mark",
        "set",
        "meta",
        "mark");

    Cli plan = Cli.run("plan", "--netns", ns.name(), "--output", "json", file.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    JsonNode fields = new ObjectMapper().readTree(plan.out()).at("/hosts/0/changes/0/fields");
    assertThat(fields.size()).as(fields.toString()).isEqualTo(1);
    assertThat(fields.get(0).path("field").asText()).isEqualTo("chain prerouting rule 2");
    assertThat(fields.get(0).path("before").asText()).contains("meta mark set 0x00000015");
    assertThat(fields.get(0).path("after").asText()).contains("meta mark set 0x00000014");

    assertThat(Cli.run("apply", "--netns", ns.name(), file.toString()).exitCode()).isZero();
    assertThat(ns.run("nft", "list", "chain", "inet", "dualwan", "prerouting"))
        .contains("meta mark set 0x00000014")
        .doesNotContain("0x00000015");
  }

  @Test
  void reorderedRulesAreDetectedAndPutBack(TestNamespace ns, @TempDir Path dir) throws Exception {
    Path file = write(dir, DECLARED);
    assertThat(Cli.run("apply", "--netns", ns.name(), file.toString()).exitCode()).isZero();
    String converged = ns.run("nft", "list", "chain", "inet", "dualwan", "prerouting");
    // Move the wan1 rule to the top.
    String handle = handleOf(ns, "meta mark set 0x00000014");
    ns.run("nft", "delete", "rule", "inet", "dualwan", "prerouting", "handle", handle);
    ns.run(
        "nft",
        "insert",
        "rule",
        "inet",
        "dualwan",
        "prerouting",
        "ct",
        "state",
        "new",
        "iifname",
        "wan1",
        "meta",
        "mark",
        "set",
        "20",
        "ct",
        "mark",
        "set",
        "meta",
        "mark");

    Cli plan = Cli.run("plan", "--netns", ns.name(), "--diff", file.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out()).contains("chain prerouting rule moved ");

    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(ns.run("nft", "list", "chain", "inet", "dualwan", "prerouting"))
        .isEqualTo(converged);
  }

  @Test
  void planChangesNothingAlsoWhenItCanonicalizes(TestNamespace ns) {
    ns.runWithStdin(FOREIGN, "nft", "-f", "-");
    String before = ns.dump();
    Cli plan = Cli.run("plan", "--netns", ns.name(), "--diff", EXAMPLE);
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(2);
    assertThat(plan.out()).contains("+ nftables table inet dualwan");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void aDefinitionNftRejectsExits65AtTheUsersLineAndChangesNothing(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    ns.runWithStdin(FOREIGN, "nft", "-f", "-");
    Path file =
        write(
            dir,
            DECLARED.replace(
                "ct state established,related   ct mark != 0",
                "ct state established,related   ct mark != zero"));
    String before = ns.dump();
    Cli apply = Cli.run("apply", "--netns", ns.name(), file.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(65);
    // Line 10 of the file, column of "zero".
    assertThat(apply.err())
        .contains(file + ":10:51: nftables[0].definition: nft: ")
        .contains("nothing was changed");
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void aSetTheDatapathFillsKeepsItsElementsWhenRulesChange(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    String yaml =
        "apiVersion: netconverge/v1\nkind: HostState\nnftables:\n"
            + "  - table: inet seen\n"
            + "    definition: |\n"
            + "      set recent { type ipv4_addr; flags dynamic,timeout; timeout 1h; }\n"
            + "      chain input {\n"
            + "        type filter hook input priority 0; policy accept;\n"
            + "        ct state new update @recent { ip saddr }\n"
            + "      }\n";
    Path file = write(dir, yaml);
    assertThat(Cli.run("apply", "--netns", ns.name(), file.toString()).exitCode()).isZero();
    ns.run("nft", "add", "element", "inet", "seen", "recent", "{ 192.0.2.9 }");
    // Elements the datapath added are not drift...
    assertThat(Cli.run("plan", "--netns", ns.name(), file.toString()).exitCode()).isZero();
    // ...and survive a rule change, which flushes and re-declares the table in place.
    Path changed = write(dir, yaml.replace("ct state new update", "ct state new counter update"));
    Cli apply = Cli.run("apply", "--netns", ns.name(), changed.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(ns.run("nft", "list", "set", "inet", "seen", "recent")).contains("192.0.2.9");
    assertThat(ns.run("nft", "list", "chain", "inet", "seen", "input"))
        .contains("ct state new counter packets");
  }

  @Test
  void aSetTheDatapathFillsKeepsItsElementsWhenTheTableIsReplaced(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    String yaml =
        "apiVersion: netconverge/v1\nkind: HostState\nnftables:\n"
            + "  - table: inet seen\n"
            + "    definition: |\n"
            + "      set recent { type ipv4_addr; flags dynamic,timeout; timeout 1h; }\n"
            + "      chain input {\n"
            + "        type filter hook input priority 0; policy accept;\n"
            + "        ct state new update @recent { ip saddr }\n"
            + "      }\n";
    Path file = write(dir, yaml);
    assertThat(Cli.run("apply", "--netns", ns.name(), file.toString()).exitCode()).isZero();
    ns.run("nft", "add", "element", "inet", "seen", "recent", "{ 192.0.2.9, 192.0.2.10 }");
    // A new chain is not a rule change: the table is replaced, in one transaction.
    Path changed =
        write(dir, yaml + "      chain forward { type filter hook forward priority 0; }\n");
    Cli apply = Cli.run("apply", "--netns", ns.name(), changed.toString());
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(ns.run("nft", "list", "set", "inet", "seen", "recent"))
        .contains("192.0.2.9")
        .contains("192.0.2.10");
    assertThat(ns.run("nft", "list", "chain", "inet", "seen", "forward")).contains("hook forward");
  }

  @Test
  void aSnapshotRestoresTheTableAsItWas(TestNamespace ns) throws Exception {
    ns.runWithStdin(
        "table inet dualwan {\n chain prerouting {\n  type filter hook prerouting priority 0;\n"
            + "  meta mark 0x1 counter accept\n }\n chain extra { }\n}\n",
        "nft",
        "-f",
        "-");
    String original = ns.run("nft", "-s", "list", "table", "inet", "dualwan");
    HostState state = Netconverge.load(Path.of(EXAMPLE));
    Declared<?, ?> nft = state.declared().get(0);
    Declared.Planned<?, ?> snapshot = nft.plan(ns.executor());
    assertThat(snapshot.inSync()).isFalse();
    for (Command command : snapshot.commands()) {
      ns.executor().check(command);
    }
    assertThat(nft.plan(ns.executor()).inSync()).isTrue();

    // What the runner does when a later step fails: replay the snapshot's own listing.
    for (Command command : snapshot.restoreCommands()) {
      ns.executor().check(command);
    }
    assertThat(snapshot.restoredOn(ns.executor())).isTrue();
    assertThat(ns.run("nft", "-s", "list", "table", "inet", "dualwan")).isEqualTo(original);
  }

  @Test
  void theNumberOfProcessesDoesNotGrowWithTablesOrRules(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    int small = processesToConvergeTwice(ns, dir, 1, 2);
    ns.run("nft", "flush", "ruleset");
    int large = processesToConvergeTwice(ns, dir, 6, 80);
    assertThat(large).isEqualTo(small);
    // lock + (read, cache lookup, canonicalize, remember the form) before, the check that no
    // earlier apply awaits its confirm, apply, read to verify; then a plan: read and cache lookup,
    // whose remembered form shows no change (no namespace).
    assertThat(small).isEqualTo(1 + 4 + 1 + 1 + 1 + 2);
  }

  @Test
  void aTableNoLongerDeclaredIsRemovedByItsMarkAndUnmarkedTablesNeverAre(
      TestNamespace ns, @TempDir Path dir) throws Exception {
    ns.runWithStdin(FOREIGN, "nft", "-f", "-");
    String head = "apiVersion: netconverge/v1\nkind: HostState\nnftables:\n";
    String a = "  - table: inet a\n    definition: |\n      chain c { }\n";
    String b = "  - table: ip b\n    definition: |\n      set s { type ipv4_addr; }\n";
    Cli both = Cli.run("apply", "--netns", ns.name(), write(dir, head + a + b).toString());
    assertThat(both.exitCode()).as(both.toString()).isZero();
    assertThat(ns.run("nft", "list", "table", "ip", "b")).contains("comment \"netconverge\"");

    Cli onlyA = Cli.run("apply", "--netns", ns.name(), "--diff", write(dir, head + a).toString());
    assertThat(onlyA.exitCode()).as(onlyA.toString()).isZero();
    assertThat(onlyA.out()).contains("- nftables table ip b");
    assertThat(ns.run("nft", "list", "tables")).contains("table inet a").doesNotContain("ip b");

    Cli none =
        Cli.run(
            "apply",
            "--netns",
            ns.name(),
            write(dir, "apiVersion: netconverge/v1\nkind: HostState\nnftables: []\n").toString());
    assertThat(none.exitCode()).as(none.toString()).isZero();
    assertThat(ns.run("nft", "list", "tables")).isEqualTo("table ip f2b\n");
    Cli again = Cli.run("plan", "--netns", ns.name(), write(dir, head + a).toString());
    assertThat(again.exitCode()).isEqualTo(2);
  }

  @Test
  void aDefinitionThatLeavesItsTableReachesNothingElse(TestNamespace ns, @TempDir Path dir)
      throws Exception {
    ns.runWithStdin(FOREIGN, "nft", "-f", "-");
    String foreign = ns.run("nft", "list", "table", "ip", "f2b");
    String head = "apiVersion: netconverge/v1\nkind: HostState\nnftables:\n";
    // The file is refused where it is read (a '}' that would close the table), and even past
    // that only nft's listing of inet x, as the throw-away namespace printed it, could reach
    // the host.
    String untouched = ns.dump();
    Cli flush =
        Cli.run(
            "apply",
            "--netns",
            ns.name(),
            write(
                    dir,
                    head
                        + "  - table: inet x\n    definition: |\n      chain c { }\n"
                        + "      }\n      flush ruleset\n      table inet x {\n"
                        + "      chain d { }\n")
                .toString());
    assertThat(flush.exitCode()).as(flush.toString()).isEqualTo(65);
    assertThat(flush.err()).contains("would close the table");
    assertThat(ns.run("nft", "list", "table", "ip", "f2b")).isEqualTo(foreign);
    assertThat(ns.dump()).isEqualTo(untouched);

    String before = ns.dump();
    Cli delete =
        Cli.run(
            "apply",
            "--netns",
            ns.name(),
            write(
                    dir,
                    head
                        + "  - table: inet x\n    definition: |\n      chain c { }\n"
                        + "      }\n      delete table ip f2b\n      table inet x {\n")
                .toString());
    assertThat(delete.exitCode()).as(delete.toString()).isEqualTo(65);
    assertThat(ns.dump()).isEqualTo(before);
  }

  @Test
  void theExampleRunsInTheSandbox() {
    Cli sandbox = Cli.run("apply", "--sandbox", EXAMPLE);
    assertThat(sandbox.exitCode()).as(sandbox.toString()).isZero();
    assertThat(sandbox.out()).contains("second plan").contains("ok=1 changed=0 failed=0");
  }

  private static int processesToConvergeTwice(
      TestNamespace ns, Path dir, int tables, int rulesPerChain) throws Exception {
    StringBuilder yaml =
        new StringBuilder("apiVersion: netconverge/v1\nkind: HostState\nnftables:\n");
    for (int t = 0; t < tables; t++) {
      yaml.append("  - table: inet t").append(t).append("\n    definition: |\n");
      yaml.append("      chain c {\n        type filter hook prerouting priority mangle;\n");
      for (int r = 0; r < rulesPerChain; r++) {
        yaml.append("        iifname \"wan")
            .append(r)
            .append("\" meta mark set ")
            .append(r + 1)
            .append('\n');
      }
      yaml.append("      }\n");
    }
    HostState state = Netconverge.load(write(dir, yaml.toString()));
    CountingExecutor counting = new CountingExecutor(ns.executor());
    Host target = new Host("counted", counting, NamespaceLock.standard());
    HostReport applied = Netconverge.apply(state, target, Progress.NONE);
    assertThat(applied.status()).as(applied.toString()).isEqualTo(HostReport.Status.CHANGED);
    assertThat(applied.changed()).isEqualTo(tables);
    HostReport plan = Netconverge.plan(state, target, Progress.NONE);
    assertThat(plan.status()).isEqualTo(HostReport.Status.OK);
    assertThat(
            ns.run("nft", "list", "chain", "inet", "t0", "c")
                .lines()
                .filter(l -> l.contains("meta mark set"))
                .count())
        .isEqualTo(rulesPerChain);
    return counting.count();
  }

  private static String handleOf(TestNamespace ns, String ruleText) {
    return ns.run("nft", "-a", "list", "chain", "inet", "dualwan", "prerouting")
        .lines()
        .filter(l -> l.contains(ruleText))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no rule with " + ruleText))
        .replaceAll(".*# handle (\\d+)$", "$1");
  }

  private static int files;

  private static Path write(Path dir, String yaml) throws Exception {
    Path file = dir.resolve("host-" + files++ + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
