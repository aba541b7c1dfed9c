package io.netconverge.iptables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Action;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.DeclarationRejectedException;
import io.netconverge.core.engine.Declared;
import io.netconverge.core.engine.Diff;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.net.Family;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.core.testing.FakeExecutor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IptablesResourceTest {

  private static final List<String> MARK_RULES =
      List.of("-j MARK --set-mark 10", "-s 10.31.66.9/24 -j RETURN", "-d 1.2.3.4 -j RETURN");

  private static final List<String> CANONICALIZE =
      List.of(
          "unshare",
          "-n",
          "--",
          "sh",
          "-c",
          "\"$1\" && exec \"$2\"",
          "netconverge-canonicalize",
          "iptables-nft-restore",
          "iptables-nft-save");

  private final IptablesResource module = new IptablesResource(SpecSource.none());

  private static IptablesChain mangle(
      String name, String from, JumpPosition at, List<String> rules) {
    return new IptablesChain(Family.IPV4, IptablesTable.MANGLE, name, from, at, rules, null);
  }

  private static FakeExecutor nftHost(String canonicalFixture) {
    return new FakeExecutor()
        .on(List.of("iptables-nft-restore"), "")
        .on(List.of("iptables", "--version"), "iptables v1.8.9 (nf_tables)\n")
        .on(List.of("iptables-nft-save"), Fixtures.text("live-nft.stdout"))
        .on(List.of("ip6tables-nft-save"), Fixtures.text("live6-nft.stdout"))
        .on(IptablesResource.NFT_CHAINS, NFT_CHAINS_LISTING)
        .on(List.of("unshare"), Fixtures.text(canonicalFixture));
  }

  /**
   * What {@code nft list chains} says of the tables of live-nft.stdout (its first line: nft is
   * there).
   */
  private static final String NFT_CHAINS_LISTING =
      "nft\n"
          + "table ip mangle {\n"
          + "\tchain PREROUTING {\n"
          + "\t\ttype filter hook prerouting priority mangle; policy accept;\n"
          + "\t}\n"
          + "\tchain FOREIGN {\n"
          + "\t}\n"
          + "}\n"
          + "# Warning: table ip mangle is managed by iptables-nft, do not touch!\n"
          + "table inet other {\n"
          + "\tchain OUTPUT {\n"
          + "\t}\n"
          + "}\n";

  /** Read, canonicalize and diff, as the runner does. */
  private Diff<IptablesBatches> plan(FakeExecutor host, IptablesState declared) throws Exception {
    IptablesState live = module.read(host, declared);
    return module.diff(module.canonical(host, declared, live), live);
  }

  @Test
  void declaredMarkAndAddressSpellingsEqualTheLiveOnes() throws Exception {
    FakeExecutor host = nftHost("canonical-marks.stdout");
    IptablesState declared =
        IptablesState.declared(
            List.of(mangle("NC-MARK", "PREROUTING", JumpPosition.FIRST, MARK_RULES)));

    IptablesState live = module.read(host, declared);
    List<Change> changes = module.diff(module.canonical(host, declared, live), live).changes();

    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).resource().render()).isEqualTo("iptables mangle NC-MARK");
    assertThat(changes.get(0).action()).isEqualTo(Action.OK);
    assertThat(host.argvs())
        .containsExactly(
            List.of("iptables", "--version"),
            List.of("iptables-nft-save"),
            List.of("ip6tables-nft-save"),
            IptablesResource.NFT_CHAINS,
            CANONICALIZE);
    // The foreign user chain exists, empty, in the throw-away namespace so jumps to it resolve.
    assertThat(host.commands().get(4).stdin())
        .isEqualTo(
            "*mangle\n"
                + ":NC-MARK - [0:0]\n"
                + ":FOREIGN - [0:0]\n"
                + "-A NC-MARK -j MARK --set-mark 10\n"
                + "-A NC-MARK -s 10.31.66.9/24 -j RETURN\n"
                + "-A NC-MARK -d 1.2.3.4 -j RETURN\n"
                + "-A PREROUTING -m comment --comment netconverge -j NC-MARK\n"
                + "COMMIT\n");
    assertThat(live.chains())
        .containsExactly(
            mangle(
                "NC-MARK",
                "PREROUTING",
                JumpPosition.FIRST,
                List.of(
                    "-j MARK --set-xmark 0xa/0xffffffff",
                    "-s 10.31.66.0/24 -j RETURN",
                    "-d 1.2.3.4/32 -j RETURN")));
  }

  @Test
  void aNarrowerMaskIsAChangeOfThatRuleOnly() throws Exception {
    FakeExecutor host = nftHost("canonical-mask.stdout");
    List<String> rules =
        List.of("-j MARK --set-xmark 0xa/0xff", MARK_RULES.get(1), MARK_RULES.get(2));
    IptablesState declared =
        IptablesState.declared(List.of(mangle("NC-MARK", "PREROUTING", JumpPosition.FIRST, rules)));

    Diff<IptablesBatches> diff = plan(host, declared);
    Change change = diff.changes().get(0);

    assertThat(change.action()).isEqualTo(Action.UPDATE);
    assertThat(change.fields())
        .containsExactly(
            FieldChange.added("rule 1", "-j MARK --set-xmark 0xa/0xff"),
            FieldChange.removed("rule 1", "-j MARK --set-xmark 0xa/0xffffffff"));

    List<Command> commands = module.commands(diff.plan());
    assertThat(commands).hasSize(1);
    Command write = commands.get(0);
    assertThat(write.argv()).containsExactly("iptables-nft-restore", "-w", "--noflush");
    // The rules as the host's iptables printed them: what the diff showed is what goes in.
    assertThat(write.stdin())
        .isEqualTo(
            "*mangle\n"
                + ":NC-MARK - [0:0]\n"
                + "-A NC-MARK -j MARK --set-xmark 0xa/0xff\n"
                + "-A NC-MARK -s 10.31.66.0/24 -j RETURN\n"
                + "-A NC-MARK -d 1.2.3.4/32 -j RETURN\n"
                + "COMMIT\n");
  }

  private static final Map<Family, IptablesBackend> NFT =
      Map.of(Family.IPV4, IptablesBackend.NFT, Family.IPV6, IptablesBackend.NFT);

  private static IptablesState live() {
    return new IptablesState(
        List.of(),
        new IptablesState.Reading(
            NFT,
            Map.of(
                Family.IPV4, Fixtures.ruleset("live-nft.stdout"),
                Family.IPV6, Fixtures.ruleset("live6-nft.stdout")),
            Map.of()));
  }

  /** Declared chains with the rules canonicalization printed for them. */
  private static IptablesState canonical(
      List<IptablesChain> chains, Map<String, List<String>> canonical) {
    return new IptablesState(chains, new IptablesState.Reading(NFT, Map.of(), canonical));
  }

  @Test
  void rulesInAnotherOrderAreDriftAndTheChainIsRewrittenInDeclaredOrder() throws Exception {
    // Live: [A, B, C] = set-xmark, -s, -d. Declared: [B, A, C].
    List<String> declaredRules = List.of(MARK_RULES.get(1), MARK_RULES.get(0), MARK_RULES.get(2));
    IptablesChain chain = mangle("NC-MARK", "PREROUTING", JumpPosition.FIRST, declaredRules);
    IptablesState declared =
        canonical(
            List.of(chain),
            Map.of(
                chain.key(),
                List.of(
                    "-s 10.31.66.0/24 -j RETURN",
                    "-j MARK --set-xmark 0xa/0xffffffff",
                    "-d 1.2.3.4/32 -j RETURN")));
    IptablesState live = live();

    Diff<IptablesBatches> diff = module.diff(declared, live);
    Change change = diff.changes().get(0);
    assertThat(change.action()).isEqualTo(Action.UPDATE);
    assertThat(change.fields())
        .containsExactly(
            new FieldChange(
                "rule 2 (moved from 1)",
                "-j MARK --set-xmark 0xa/0xffffffff",
                "-j MARK --set-xmark 0xa/0xffffffff"));

    List<Command> commands = module.commands(diff.plan());
    assertThat(commands).hasSize(1);
    assertThat(commands.get(0).stdin())
        .isEqualTo(
            "*mangle\n"
                + ":NC-MARK - [0:0]\n"
                + "-A NC-MARK -s 10.31.66.0/24 -j RETURN\n"
                + "-A NC-MARK -j MARK --set-xmark 0xa/0xffffffff\n"
                + "-A NC-MARK -d 1.2.3.4/32 -j RETURN\n"
                + "COMMIT\n");
  }

  @Test
  void aNewChainAndAnUndeclaredOwnedOneTouchNoForeignRule() throws Exception {
    IptablesChain input =
        new IptablesChain(
            Family.IPV4,
            IptablesTable.FILTER,
            "NC-INPUT",
            "INPUT",
            JumpPosition.FIRST,
            List.of("-i lo -j ACCEPT"),
            null);
    IptablesState declared =
        canonical(List.of(input), Map.of(input.key(), List.of("-i lo -j ACCEPT")));
    IptablesState live = live();

    Diff<IptablesBatches> diff = module.diff(declared, live);
    List<Change> changes = diff.changes();
    assertThat(changes)
        .extracting((Change c) -> c.resource().render(), Change::action)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("iptables filter NC-INPUT", Action.CREATE),
            // NC-MARK carries the owned jump and is declared no more: it goes.
            org.assertj.core.groups.Tuple.tuple("iptables mangle NC-MARK", Action.DELETE));

    List<Command> commands = module.commands(diff.plan());
    assertThat(commands)
        .extracting(Command::argv)
        .containsExactly(List.of("iptables-nft-restore", "-w", "--noflush"));
    String batch = commands.get(0).stdin();
    assertThat(batch)
        .isEqualTo(
            "*filter\n"
                + ":NC-INPUT - [0:0]\n"
                + "-A NC-INPUT -i lo -j ACCEPT\n"
                + "-I INPUT 1 -m comment --comment netconverge -j NC-INPUT\n"
                + "COMMIT\n"
                + "*mangle\n"
                + "-D PREROUTING -m comment --comment netconverge -j NC-MARK\n"
                + "-F NC-MARK\n"
                + "-X NC-MARK\n"
                + "COMMIT\n");
    assertThat(batch).doesNotContain("f2b-sshd").doesNotContain("FOREIGN");
  }

  @Test
  void anIpv6ChainIsWrittenWithIp6tablesOnly() throws Exception {
    IptablesChain v6 =
        new IptablesChain(
            Family.IPV6,
            IptablesTable.MANGLE,
            "NC-MARK",
            "PREROUTING",
            JumpPosition.FIRST,
            List.of("-j MARK --set-mark 10"),
            null);
    IptablesChain v4 = mangle("NC-MARK", "PREROUTING", JumpPosition.FIRST, MARK_RULES);
    IptablesState live = live();
    IptablesState declared =
        canonical(
            List.of(v4, v6),
            Map.of(
                v4.key(),
                Fixtures.ruleset("live-nft.stdout").table(IptablesTable.MANGLE).rules("NC-MARK"),
                v6.key(),
                List.of("-j MARK --set-xmark 0xa/0xffffffff")));

    Diff<IptablesBatches> diff = module.diff(declared, live);
    List<Change> changes = diff.changes();
    assertThat(changes).extracting(Change::action).containsExactly(Action.OK, Action.CREATE);
    assertThat(changes.get(1).resource().render()).isEqualTo("ip6tables mangle NC-MARK");

    assertThat(module.commands(diff.plan()))
        .extracting(Command::argv)
        .containsExactly(List.of("ip6tables-nft-restore", "-w", "--noflush"));
  }

  @Test
  void theDetectedBackendsBinariesReadAndWrite() throws Exception {
    FakeExecutor host =
        new FakeExecutor()
            .on(List.of("iptables", "--version"), "iptables v1.8.9 (legacy)\n")
            .on(List.of("iptables-legacy-save"), Fixtures.text("live-legacy.stdout"))
            .on(List.of("ip6tables-legacy-save"), "")
            .on(List.of("iptables-legacy-restore"), "");
    IptablesState declared = IptablesState.declared(List.of());

    IptablesState live = module.read(host, declared);

    assertThat(live.reading().backends())
        .containsEntry(Family.IPV4, IptablesBackend.LEGACY)
        .containsEntry(Family.IPV6, IptablesBackend.LEGACY);
    assertThat(host.argvs())
        .containsExactly(
            List.of("iptables", "--version"),
            List.of("iptables-legacy-save"),
            List.of("ip6tables-legacy-save"));
    assertThat(module.diff(declared, live).changes()).isEmpty();
  }

  @Test
  void whenEveryRuleIsInTheLegacyTablesTheyAreTheOnesManaged() throws Exception {
    FakeExecutor host =
        new FakeExecutor()
            .on(List.of("iptables", "--version"), "iptables v1.8.9 (nf_tables)\n")
            .on(
                List.of("iptables-nft-save"),
                c ->
                    new ExecResult(
                        0,
                        Fixtures.text("only-legacy-nft.stdout"),
                        Fixtures.text("only-legacy-nft.stderr")))
            .on(List.of("iptables-legacy-save"), Fixtures.text("only-legacy-legacy.stdout"))
            .on(List.of("ip6tables-nft-save"), "");

    IptablesState live = module.read(host, IptablesState.declared(List.of()));

    assertThat(live.reading().backends())
        .containsEntry(Family.IPV4, IptablesBackend.LEGACY)
        .containsEntry(Family.IPV6, IptablesBackend.NFT);
    assertThat(host.argvs())
        .containsExactly(
            List.of("iptables", "--version"),
            List.of("iptables-nft-save"),
            List.of("iptables-legacy-save"),
            List.of("ip6tables-nft-save"));
  }

  @Test
  void nftRulesNextToLegacyOnesStayOnNft() throws Exception {
    FakeExecutor host =
        new FakeExecutor()
            .on(List.of("iptables", "--version"), "iptables v1.8.9 (nf_tables)\n")
            .on(
                List.of("iptables-nft-save"),
                c ->
                    new ExecResult(
                        0,
                        Fixtures.text("live-nft-legacy-present.stdout"),
                        Fixtures.text("live-nft-legacy-present.stderr")))
            .on(List.of("ip6tables-nft-save"), "")
            .on(IptablesResource.NFT_CHAINS, "");

    IptablesState live = module.read(host, IptablesState.declared(List.of()));

    assertThat(live.reading().backends()).containsEntry(Family.IPV4, IptablesBackend.NFT);
    assertThat(host.argvs()).doesNotContain(List.of("iptables-legacy-save"));
  }

  private static final String BAD_FILE =
      "apiVersion: netconverge/v1\n"
          + "kind: HostState\n"
          + "iptables:\n"
          + "  - table: mangle\n"
          + "    chain: NC-MARK\n"
          + "    jumpFrom: PREROUTING\n"
          + "    rules:\n"
          + "      - \"-j RETURN\"\n"
          + "      - \"-j CONNMARK --set-mrak 3\"\n";

  @Test
  void aRuleTheTargetRefusesAtApplyIsTheFilesMistakeAtItsChain() throws Exception {
    IptablesChain input =
        new IptablesChain(
            Family.IPV4,
            IptablesTable.FILTER,
            "NC-INPUT",
            "INPUT",
            JumpPosition.FIRST,
            List.of("-i lo -j ACCEPT"),
            null);
    IptablesState declared =
        canonical(List.of(input), Map.of(input.key(), List.of("-i lo -j ACCEPT")));
    IptablesBatches plan = module.diff(declared, live()).plan();
    Command apply = module.commands(plan).get(0);
    // Line 3 of the batch is '-A NC-INPUT -i lo -j ACCEPT' (see the test above).
    ExecException atRule =
        ExecException.failed(
            new FakeExecutor(),
            apply,
            new ExecResult(
                2,
                "",
                "iptables-restore v1.8.9 (nf_tables): RULE_APPEND failed (No such file or"
                    + " directory): rule in chain NC-INPUT\nError occurred at line: 3\n"));
    assertThat(module.rejected(plan, atRule))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.message())
                    .startsWith("iptables on this target refuses a rule of chain NC-INPUT at apply")
                    .contains("'-A NC-INPUT -i lo -j ACCEPT'")
                    .contains("RULE_APPEND failed"));
    // The owned jump (line 4) and a restore are netconverge's own: the host's failure.
    ExecException atJump =
        ExecException.failed(
            new FakeExecutor(),
            apply,
            new ExecResult(2, "", "iptables-restore: line 4 failed\nError occurred at line: 4\n"));
    assertThat(module.rejected(plan, atJump)).isEmpty();
    assertThat(module.rejected(new IptablesBatches(plan.batches()), atRule)).isEmpty();
  }

  @Test
  void aRuleIptablesRejectsNamesItsFileLineAndTheToolsWords() throws Exception {
    Declared<?, ?> declared = Netconverge.parse(BAD_FILE, "router.yaml").declared().get(0);
    FakeExecutor host =
        nftHost("canonical-marks.stdout")
            .on(
                List.of("unshare"),
                c -> new ExecResult(2, "", Fixtures.text("rejected-option.stderr")));

    assertThatThrownBy(() -> declared.plan(host))
        .isInstanceOf(DeclarationRejectedException.class)
        .hasMessage(
            "router.yaml:9:9: iptables[0].rules[1]: iptables rejected the rule"
                + " '-j CONNMARK --set-mrak 3' of chain NC-MARK: unknown option \"--set-mrak\"");
    assertThat(host.argvs()).noneMatch(a -> a.get(0).endsWith("-restore"));
    // The input the captured error came from (capture.sh): iptables' line 5 is rules[1].
    assertThat(host.commands().get(4).stdin())
        .isEqualTo(
            "*mangle\n:NC-MARK - [0:0]\n:FOREIGN - [0:0]\n-A NC-MARK -j RETURN\n"
                + "-A NC-MARK -j CONNMARK --set-mrak 3\n"
                + "-A PREROUTING -m comment --comment netconverge -j NC-MARK\nCOMMIT\n");
  }

  @Test
  void anErrorNftFindsAtCommitIsTracedToTheRuleThatNamesIt() throws Exception {
    String file = BAD_FILE.replace("-j CONNMARK --set-mrak 3", "-j NOPE");
    Declared<?, ?> declared = Netconverge.parse(file, "router.yaml").declared().get(0);
    FakeExecutor host =
        nftHost("canonical-marks.stdout")
            .on(
                List.of("unshare"),
                c -> new ExecResult(2, "", Fixtures.text("rejected-at-commit.stderr")));

    assertThatThrownBy(() -> declared.plan(host))
        .isInstanceOf(DeclarationRejectedException.class)
        .hasMessage(
            "router.yaml:9:9: iptables[0].rules[1]: iptables rejected the rule '-j NOPE' of chain"
                + " NC-MARK: Chain 'NOPE' does not exist");
  }

  @Test
  void onLegacyTheRejectedLineIsTheRuleItself() throws Exception {
    String file = BAD_FILE.replace("-j CONNMARK --set-mrak 3", "-j NOPE");
    LegacyFile legacy = new LegacyFile(file);
    FakeExecutor host =
        new FakeExecutor()
            .on(List.of("iptables-legacy-save"), Fixtures.text("live-nft.stdout"))
            .on(List.of("ip6tables-legacy-save"), "")
            .on(
                List.of("unshare"),
                c -> new ExecResult(2, "", Fixtures.text("rejected-legacy.stderr")));

    assertThatThrownBy(
            () ->
                legacy.module.canonical(host, legacy.state, legacy.module.read(host, legacy.state)))
        .isInstanceOf(DeclarationRejectedException.class)
        .hasMessage(
            "router.yaml:9:9: iptables[0].rules[1]: iptables rejected the rule '-j NOPE' of chain"
                + " NC-MARK: Couldn't load target `NOPE':No such file or directory");
    assertThat(host.argvs().get(2)).contains("iptables-legacy-restore", "iptables-legacy-save");
  }

  /** The chains of a file, read by a module forced onto the legacy backend. */
  private static final class LegacyFile {
    final IptablesResource module;
    final IptablesState state;

    LegacyFile(String yaml) throws Exception {
      this.module =
          new IptablesResource(
              IptablesBackend.LEGACY,
              io.netconverge.core.spec.SpecLoader.source(yaml, "router.yaml"));
      this.state = (IptablesState) Netconverge.parse(yaml, "router.yaml").declared().get(0).state();
    }
  }

  @Test
  void withoutTheRightToMakeANetworkNamespaceAUserNamespaceIsTried() throws Exception {
    FakeExecutor host =
        nftHost("canonical-marks.stdout")
            .on(
                List.of("unshare", "-n"),
                c -> new ExecResult(1, "", "unshare: unshare failed: Operation not permitted"))
            .on(List.of("unshare", "-rn"), Fixtures.text("canonical-marks.stdout"));
    IptablesState declared =
        IptablesState.declared(
            List.of(mangle("NC-MARK", "PREROUTING", JumpPosition.FIRST, MARK_RULES)));

    assertThat(plan(host, declared).changes())
        .extracting(Change::action)
        .containsExactly(Action.OK);
    assertThat(host.commands().get(5).argv().subList(0, 3)).containsExactly("unshare", "-rn", "--");
    assertThat(host.commands().get(5).stdin()).isEqualTo(host.commands().get(4).stdin());
  }

  @Test
  void aFailureToRunTheThrowAwayNamespaceIsNotBlamedOnTheFile() {
    FakeExecutor host =
        nftHost("canonical-marks.stdout")
            .on(
                List.of("unshare"),
                c -> new ExecResult(1, "", "unshare: unshare failed: Operation not permitted"));
    IptablesState declared =
        IptablesState.declared(
            List.of(mangle("NC-MARK", "PREROUTING", JumpPosition.FIRST, MARK_RULES)));

    assertThatThrownBy(() -> plan(host, declared))
        .isNotInstanceOf(DeclarationRejectedException.class)
        .hasMessageContaining("cannot make a throw-away network namespace on fake")
        .hasMessageContaining("Operation not permitted")
        .hasMessageContaining("CAP_SYS_ADMIN");
  }

  @Test
  void aRestoreRemovesTheNftBaseChainsAndTablesTheSnapshotDidNotHave() throws Exception {
    FakeExecutor host = nftHost("canonical-marks.stdout");
    IptablesState declared =
        IptablesState.declared(
            List.of(
                mangle("NC-OUT", "OUTPUT", JumpPosition.FIRST, List.of("-j RETURN")),
                new IptablesChain(
                    Family.IPV4,
                    IptablesTable.NAT,
                    "NC-NAT",
                    "POSTROUTING",
                    JumpPosition.FIRST,
                    List.of("-j RETURN"),
                    null)));
    IptablesState snapshot = module.read(host, declared);
    assertThat(snapshot.reading().nftTables())
        .containsEntry(Family.IPV4, java.util.Map.of("mangle", java.util.Set.of("PREROUTING")))
        .containsEntry(Family.IPV6, java.util.Map.of());

    List<io.netconverge.core.exec.Command> restore =
        module.commands(module.restore(snapshot, declared));
    assertThat(restore)
        .extracting(io.netconverge.core.exec.Command::argv)
        .containsExactly(
            List.of("iptables-nft-restore", "-w", "--noflush"), List.of("nft", "-f", "-"));
    // OUTPUT was no nft chain: flushed (which makes it when missing) and deleted. The nat table
    // was not there at all: it goes whole, and no iptables line touches it.
    assertThat(restore.get(0).stdin())
        .contains("-F OUTPUT\n-X OUTPUT\n")
        .doesNotContain("*nat")
        .contains(":NC-OUT - [0:0]\n")
        .contains("-X NC-OUT\n");
    assertThat(restore.get(1).stdin()).isEqualTo("table ip nat\ndelete table ip nat\n");
  }

  @Test
  void withoutNftOnTheHostTheRestoreCannotTellAndLeavesBaseChains() throws Exception {
    FakeExecutor host = nftHost("canonical-marks.stdout").on(IptablesResource.NFT_CHAINS, "");
    IptablesState declared =
        IptablesState.declared(
            List.of(mangle("NC-OUT", "OUTPUT", JumpPosition.FIRST, List.of("-j RETURN"))));
    IptablesState snapshot = module.read(host, declared);
    assertThat(snapshot.reading().nftTables()).isEmpty();
    List<io.netconverge.core.exec.Command> restore =
        module.commands(module.restore(snapshot, declared));
    assertThat(restore).hasSize(1);
    assertThat(restore.get(0).stdin()).contains("-F OUTPUT\n").doesNotContain("-X OUTPUT");
  }

  @Test
  void aChainWithoutAJumpAsASnapshotHadItLosesTheOwnedJump() throws Exception {
    // What restoring a snapshot declares for a chain that existed before netconverge jumped to it.
    IptablesChain unjumped =
        mangle(
            "NC-MARK",
            null,
            null,
            Fixtures.ruleset("live-nft.stdout").table(IptablesTable.MANGLE).rules("NC-MARK"));
    IptablesState declared = canonical(List.of(unjumped), Map.of(unjumped.key(), unjumped.rules()));
    IptablesState live = live();

    Diff<IptablesBatches> diff = module.diff(declared, live);
    Change change = diff.changes().get(0);
    assertThat(change.action()).isEqualTo(Action.UPDATE);
    assertThat(change.fields()).containsExactly(new FieldChange("jump", "PREROUTING first", null));

    assertThat(module.commands(diff.plan()).get(0).stdin())
        .isEqualTo("*mangle\n-D PREROUTING -m comment --comment netconverge -j NC-MARK\nCOMMIT\n");
  }

  private static FakeExecutor sweptHost(String live) {
    return new FakeExecutor()
        .on(
            IptablesResource.SWEEP_READ,
            "iptables v1.8.9 (nf_tables)\n==> ipv4\n" + live + "==> ipv6\n")
        .on(IptablesResource.NFT_CHAINS, NFT_CHAINS_LISTING);
  }

  @Test
  void aSweepOfTheProfilesChainsLeavesOtherOwnedChainsAlone() throws Exception {
    IptablesResource sweeping =
        IptablesResource.sweeping(ChainSweep.named("NC-DUALWAN-"), SpecSource.none());
    FakeExecutor host = sweptHost(Fixtures.text("live-nft.stdout"));
    IptablesState declared = IptablesState.declared(List.of());
    IptablesState live = sweeping.read(host, declared);
    Diff<IptablesBatches> diff = sweeping.diff(declared, live);
    assertThat(diff.changes()).isEmpty();
    assertThat(diff.plan().batches()).isEmpty();
    // One process; nothing of the profile's, so the nft chains a restore would need are not
    // listed.
    assertThat(host.argvs()).containsExactly(IptablesResource.SWEEP_READ);
  }

  @Test
  void aSweepOfTheProfilesChainsRemovesThemWithTheirJumps() throws Exception {
    IptablesResource sweeping =
        IptablesResource.sweeping(ChainSweep.named("NC-DUALWAN-"), SpecSource.none());
    FakeExecutor host =
        sweptHost(Fixtures.text("live-nft.stdout").replace("NC-MARK", "NC-DUALWAN-PRE"));
    IptablesState declared = IptablesState.declared(List.of());
    IptablesState live = sweeping.read(host, declared);
    Diff<IptablesBatches> diff = sweeping.diff(declared, live);
    assertThat(diff.changes())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.action()).isEqualTo(Action.DELETE);
              assertThat(c.resource().render()).isEqualTo("iptables mangle NC-DUALWAN-PRE");
            });
    String input = diff.plan().batches().get(0).input();
    assertThat(input)
        .contains("-D PREROUTING -m comment --comment netconverge -j NC-DUALWAN-PRE")
        .contains("-X NC-DUALWAN-PRE");
    assertThat(host.argvs())
        .containsExactly(IptablesResource.SWEEP_READ, IptablesResource.NFT_CHAINS);
  }

  @Test
  void aHostWithoutIptablesHasNoChainToSweepAndConverges() throws Exception {
    IptablesResource sweeping =
        IptablesResource.sweeping(ChainSweep.named("NC-DUALWAN-"), SpecSource.none());
    FakeExecutor host = new FakeExecutor().on(IptablesResource.SWEEP_READ, "");
    IptablesState declared = IptablesState.declared(List.of());
    IptablesState live = sweeping.read(host, declared);
    Diff<IptablesBatches> diff = sweeping.diff(declared, live);
    assertThat(diff.changes()).isEmpty();
    assertThat(sweeping.commands(diff.plan())).isEmpty();
    assertThat(sweeping.commands(sweeping.restore(live, declared))).isEmpty();
    assertThat(host.argvs()).containsExactly(IptablesResource.SWEEP_READ);
  }
}
