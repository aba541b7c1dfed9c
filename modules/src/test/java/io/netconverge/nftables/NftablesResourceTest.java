package io.netconverge.nftables;

import static io.netconverge.nftables.Fixtures.DUALWAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.Netconverge;
import io.netconverge.core.engine.Action;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.DeclarationRejectedException;
import io.netconverge.core.engine.Declared;
import io.netconverge.core.engine.Diff;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.HostLock;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Runner;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.core.spec.TextOrigin;
import io.netconverge.core.testing.FakeExecutor;
import io.netconverge.hoststate.HostState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NftablesResourceTest {

  private final NftablesResource module = new NftablesResource();

  /** The declared table, canonicalized: as {@code canonical()} returns it from real output. */
  private static NftState declared() {
    return new NftState(
        List.of(NftTable.present(DUALWAN, Fixtures.declaredBody())),
        Map.of(DUALWAN, declaredForm()),
        Map.of());
  }

  private static TableForm declaredForm() {
    return Fixtures.forms("declared-as-nft-prints-it.txt").get(DUALWAN);
  }

  /** Read, canonicalize and diff, as the runner does. */
  private Diff<NftPlan> plan(FakeExecutor fake, NftState declared) throws Exception {
    NftState live = module.read(fake, declared);
    return module.diff(module.canonical(fake, declared, live), live);
  }

  /** A state as read() returns it, from saved real output of both sides. */
  private static NftState read(String liveFixture) {
    TableForm want = Fixtures.forms("declared-as-nft-prints-it.txt").get(DUALWAN);
    Map<NftTableName, TableForm> live = Fixtures.forms(liveFixture);
    live.keySet().retainAll(List.of(DUALWAN));
    return new NftState(
        List.of(NftTable.present(DUALWAN, live.get(DUALWAN).definition())),
        Map.of(DUALWAN, want),
        live);
  }

  @Test
  void decimalMarksOtherWhiteSpaceAndCtStateSpellingsAreNoChange() {
    List<Change> changes = module.diff(declared(), read("live-same-other-spellings.txt")).changes();
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).action()).as(changes.toString()).isEqualTo(Action.OK);
    assertThat(changes.get(0).resource().render()).isEqualTo("nftables table inet dualwan");
  }

  @Test
  void oneRealChangeInOneRuleIsADiffOfExactlyThatRule() {
    List<Change> changes = module.diff(declared(), read("live-one-rule-changed.txt")).changes();
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).action()).isEqualTo(Action.UPDATE);
    assertThat(changes.get(0).fields())
        .containsExactly(
            new FieldChange(
                "chain prerouting rule 2",
                "ct state new iifname \"wan1\" meta mark set 0x00000015 ct mark set meta mark",
                "ct state new iifname \"wan1\" meta mark set 0x00000014 ct mark set meta mark"));
  }

  @Test
  void twoSwappedRulesAreOneMove() {
    List<Change> changes = module.diff(declared(), read("live-reordered.txt")).changes();
    assertThat(changes.get(0).action()).isEqualTo(Action.UPDATE);
    List<FieldChange> fields = changes.get(0).fields();
    assertThat(fields).hasSize(1);
    assertThat(fields.get(0).field()).startsWith("chain prerouting rule moved ");
    assertThat(fields.get(0).beforeText()).isEqualTo(fields.get(0).afterText());
  }

  @Test
  void rulesAlignedByTheirLongestCommonRun() {
    List<TableForm.Rule> want = rules("A", "B", "C", "D");
    List<TableForm.Rule> have = rules("B", "A", "C", "X", "E");
    assertThat(NftDiff.rules("chain c", want, have))
        .containsExactly(
            new FieldChange("chain c rule moved 1 -> 2", "B", "B"),
            new FieldChange("chain c rule 4", "X", "D"),
            FieldChange.removed("chain c live rule 5", "E"));
    assertThat(NftDiff.rules("chain c", want, want)).isEmpty();
    assertThat(NftDiff.rules("chain c", rules("A"), rules()))
        .containsExactly(FieldChange.added("chain c rule 1", "A"));
  }

  @Test
  void anAbsentTableIsCreatedWithEveryPartListed() {
    NftState live =
        new NftState(
            List.of(NftTable.absent(DUALWAN)),
            Map.of(DUALWAN, Fixtures.forms("declared-as-nft-prints-it.txt").get(DUALWAN)),
            Map.of());
    Change change = module.diff(declared(), live).changes().get(0);
    assertThat(change.action()).isEqualTo(Action.CREATE);
    assertThat(change.fields())
        .extracting(FieldChange::field)
        .containsExactly("set wans", "chain prerouting", "chain output");
    assertThat(change.fields().get(1).afterText())
        .isEqualTo(
            "chain prerouting {\n\ttype filter hook prerouting priority mangle; policy accept;\n"
                + "\tct state new iifname \"wan0\" meta mark set 0x0000000a ct mark set meta mark\n"
                + "\tct state new iifname \"wan1\" meta mark set 0x00000014 ct mark set meta mark\n"
                + "\tct state established,related ct mark != 0x00000000 meta mark set ct mark\n"
                + "\tiifname @wans counter\n}");
  }

  @Test
  void aTableToBeAbsentIsDeletedWhenPresent() {
    NftState restore = NftState.of(List.of(NftTable.absent(DUALWAN)));
    NftState live = read("live-same-other-spellings.txt");
    Change change = module.diff(restore, live).changes().get(0);
    assertThat(change.action()).isEqualTo(Action.DELETE);
    assertThat(
            module
                .diff(restore, NftState.of(List.of(NftTable.absent(DUALWAN))))
                .changes()
                .get(0)
                .action())
        .isEqualTo(Action.OK);
  }

  @Test
  void aProfilesRetiredTableIsDeletedWhenPresentInOneProcess() throws Exception {
    NftablesResource profileOnly = new NftablesResource(false);
    NftState gone = NftState.of(List.of(NftTable.absent(DUALWAN)));
    FakeExecutor fake =
        new FakeExecutor()
            .on(
                NftablesResource.READ_LIVE_IF_PRESENT,
                Fixtures.text("live-same-other-spellings.txt"));
    NftState live = profileOnly.read(fake, gone);
    NftState canonical = profileOnly.canonical(fake, gone, live);
    Diff<NftPlan> diff = profileOnly.diff(canonical, live);
    assertThat(diff.changes()).singleElement().extracting(Change::action).isEqualTo(Action.DELETE);
    assertThat(fake.argvs()).containsExactly(NftablesResource.READ_LIVE_IF_PRESENT);
    // The foreign table of the listing is no part of it.
    assertThat(live.tables()).extracting(NftTable::name).containsExactly(DUALWAN);
  }

  @Test
  void aHostWithoutNftHasNoRetiredTableAndConverges() throws Exception {
    NftablesResource profileOnly = new NftablesResource(false);
    NftState gone = NftState.of(List.of(NftTable.absent(DUALWAN)));
    FakeExecutor fake = new FakeExecutor().on(NftablesResource.READ_LIVE_IF_PRESENT, "");
    NftState live = profileOnly.read(fake, gone);
    Diff<NftPlan> diff = profileOnly.diff(profileOnly.canonical(fake, gone, live), live);
    assertThat(diff.changes()).singleElement().extracting(Change::action).isEqualTo(Action.OK);
    assertThat(profileOnly.commands(diff.plan())).isEmpty();
    assertThat(fake.argvs()).containsExactly(NftablesResource.READ_LIVE_IF_PRESENT);
  }

  @Test
  void readAndCanonicalAreTwoProcessesWhateverTheNumberOfTables() throws Exception {
    FakeExecutor fake =
        new FakeExecutor()
            .on(NftablesResource.CANONICALIZE, Fixtures.text("declared-as-nft-prints-it.txt"))
            .on(NftablesResource.READ_LIVE, Fixtures.text("live-same-other-spellings.txt"));
    NftState state = module.read(fake, declared());
    NftState canonical = module.canonical(fake, declared(), state);
    assertThat(fake.argvs())
        .containsExactly(
            List.of("sh", "-c", "nft -j -s list ruleset && nft -a -s list ruleset"),
            List.of(
                "unshare",
                "-n",
                "--",
                "sh",
                "-c",
                "nft -f - && nft -j -s list ruleset && nft -a -s list ruleset"));
    assertThat(fake.commands().get(1).stdin())
        .isEqualTo(
            "table inet dualwan { comment \"netconverge\";\n"
                + Fixtures.declaredBody().stripTrailing()
                + "\n}\n");
    // Only the owned table is read; the foreign f2b table is not part of the state.
    assertThat(state.liveForms().keySet()).containsExactly(DUALWAN);
    assertThat(state.tables()).extracting(NftTable::name).containsExactly(DUALWAN);
    assertThat(canonical.declaredForms()).containsEntry(DUALWAN, declaredForm());
    assertThat(module.diff(canonical, state).changes().get(0).action()).isEqualTo(Action.OK);
  }

  @Test
  void aTableMissingLiveIsReadAsAbsent() throws Exception {
    FakeExecutor fake =
        new FakeExecutor()
            .on(NftablesResource.CANONICALIZE, Fixtures.text("declared-as-nft-prints-it.txt"))
            .on(
                NftablesResource.READ_LIVE,
                "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\"}}]}\n");
    NftState state = module.read(fake, declared());
    assertThat(state.tables().get(0).definition()).isEmpty();
    assertThat(plan(fake, declared()).changes().get(0).action()).isEqualTo(Action.CREATE);
  }

  @Test
  void changedRulesOnlyAreAppliedByFlushingTheTableInOneTransaction() throws Exception {
    NftState live = read("live-one-rule-changed.txt");
    List<Command> commands = module.commands(module.diff(declared(), live).plan());
    assertThat(commands).extracting(Command::argv).containsExactly(List.of("nft", "-f", "-"));
    // nft's own listing of the declared table goes to the host, never the user's text.
    assertThat(commands.get(0).stdin())
        .isEqualTo(
            "flush table inet dualwan\ntable inet dualwan {\n"
                + declaredForm().definition()
                + "}\n");
    assertThat(declaredForm().definition()).contains("meta mark set 0x0000000a");
  }

  @Test
  void otherChangesReplaceTheTableAtomically() throws Exception {
    NftState live = NftState.of(List.of(NftTable.absent(DUALWAN)));
    NftState toAbsent = NftState.of(List.of(NftTable.absent(NftTableName.parse("ip old"))));
    NftState oldThere =
        new NftState(
            List.of(NftTable.present(NftTableName.parse("ip old"), "x")),
            Map.of(),
            Map.of(NftTableName.parse("ip old"), declaredForm()));
    assertThat(module.commands(module.diff(declared(), live).plan()))
        .extracting(Command::stdin)
        .containsExactly(
            "table inet dualwan\ndelete table inet dualwan\ntable inet dualwan {\n"
                + declaredForm().definition()
                + "}\n");
    assertThat(module.commands(module.diff(toAbsent, oldThere).plan()))
        .extracting(Command::stdin)
        .containsExactly("table ip old\ndelete table ip old\n");
  }

  @Test
  void elementsTheDatapathAddedAreNotDriftAndSurviveAReplacedTable() throws Exception {
    NftTableName seen = NftTableName.parse("inet seen");
    String all = Fixtures.text("inputs/dynamic-declared.nft");
    String body = all.substring(all.indexOf('\n') + 1, all.lastIndexOf('}'));
    NftState declared = NftState.of(List.of(NftTable.present(seen, body)));
    TableForm want = Fixtures.forms("dynamic-declared-as-nft-prints-it.txt").get(seen);
    TableForm have = Fixtures.forms("dynamic-live-with-elements.txt").get(seen);
    declared = new NftState(declared.tables(), Map.of(seen, want), Map.of());
    NftState live =
        new NftState(
            List.of(NftTable.present(seen, have.definition())), Map.of(), Map.of(seen, have));

    List<Change> changes = module.diff(declared, live).changes();
    // Only the missing chain differs: the set's elements are the datapath's.
    assertThat(changes.get(0).fields())
        .extracting(FieldChange::field)
        .containsExactly("chain forward");

    // The other way round, the live table has a chain too many, and declared elements to drop.
    List<FieldChange> reverse = NftDiff.fields(have, want);
    assertThat(reverse)
        .extracting(FieldChange::field)
        .containsExactly("set recent", "chain forward");
    assertThat(reverse.get(0).beforeText()).doesNotContain("elements");
    assertThat(reverse.get(0).afterText())
        .contains("elements = { 192.0.2.9, 192.0.2.10 timeout 5m }");
    assertThat(reverse.get(1).afterText()).isNull();
    assertThat(reverse.get(1).beforeText())
        .isEqualTo(
            "chain forward {\n\ttype filter hook forward priority filter; policy accept;\n}");

    assertThat(module.commands(module.diff(declared, live).plan()).get(0).stdin())
        .isEqualTo(
            "table inet seen\ndelete table inet seen\ntable inet seen {\n"
                + want.definition()
                + "}\nadd element inet seen recent { 192.0.2.9, 192.0.2.10 timeout 5m }\n");
  }

  @Test
  void nothingToChangeRunsNothing() throws Exception {
    NftState live = read("live-same-other-spellings.txt");
    assertThat(module.diff(declared(), live).inSync()).isTrue();
    assertThat(module.commands(module.diff(declared(), live).plan())).isEmpty();
  }

  @Test
  void aTableTheTargetsNftRefusesAtApplyIsTheFilesMistakeAtItsDefinition() throws Exception {
    TextOrigin origin = new TextOrigin("router.yaml", "nftables[0].definition", 10, 6, true);
    NftState declared =
        new NftState(
            List.of(new NftTable(DUALWAN, Optional.of(Fixtures.declaredBody()), origin)),
            Map.of(DUALWAN, declaredForm()),
            Map.of());
    NftState live = new NftState(List.of(NftTable.absent(DUALWAN)), Map.of(), Map.of());
    NftPlan plan = module.diff(declared, live).plan();
    Command apply = module.commands(plan).get(0);
    String[] script = plan.script().split("\n");
    int inside = 5;
    assertThat(script[2]).isEqualTo("table inet dualwan {");
    ExecException failure =
        ExecException.failed(
            fake(),
            apply,
            new ExecResult(
                1,
                "",
                "/dev/stdin:"
                    + inside
                    + ":3-40: Error: Could not process rule: Operation not supported\n"
                    + script[inside - 1]
                    + "\n  ^^^^^\n"));
    assertThat(module.rejected(plan, failure))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.source()).isEqualTo("router.yaml");
              assertThat(p.line()).isEqualTo(10);
              assertThat(p.path()).isEqualTo("nftables[0].definition");
              assertThat(p.message())
                  .startsWith("this target's nft refuses table inet dualwan at apply")
                  .contains("Could not process rule: Operation not supported")
                  .contains(script[inside - 1].strip());
            });
    // nft stopping at netconverge's own statement (the delete before the definition) is not the
    // file's mistake; nor is a restore's failure.
    ExecException atDelete =
        ExecException.failed(
            fake(),
            apply,
            new ExecResult(1, "", "/dev/stdin:2:1-20: Error: Could not process rule: Busy\n"));
    assertThat(module.rejected(plan, atDelete)).isEmpty();
    assertThat(module.rejected(new NftPlan(plan.script()), failure)).isEmpty();
  }

  private static FakeExecutor fake() {
    return new FakeExecutor();
  }

  @Test
  void aDefinitionNftRejectsIsNamedAtTheUsersLineAndColumn() {
    String body = "chain c {\n  meta mark set 0x5 foo\n}\n";
    TextOrigin origin = new TextOrigin("router.yaml", "nftables[0].definition", 10, 6, true);
    NftState declared = NftState.of(List.of(new NftTable(DUALWAN, Optional.of(body), origin)));
    FakeExecutor fake =
        new FakeExecutor()
            .on(
                NftablesResource.CANONICALIZE,
                c -> new ExecResult(1, "", Fixtures.text("rejected-stderr.txt")));
    assertThatThrownBy(() -> module.canonical(fake, declared, declared))
        .isInstanceOfSatisfying(
            DeclarationRejectedException.class,
            e -> {
              SpecProblem p = e.problems().get(0);
              assertThat(p.source()).isEqualTo("router.yaml");
              assertThat(p.line()).isEqualTo(11);
              assertThat(p.column()).isEqualTo(30);
              assertThat(p.path()).isEqualTo("nftables[0].definition");
              // Located already: nft's excerpt and marker become the word they point at.
              assertThat(p.message())
                  .isEqualTo("nft: syntax error, unexpected newline (after 'foo')");
            });
    // Rejected while reading: nothing was written.
    assertThat(fake.argvs()).containsExactly(NftablesResource.CANONICALIZE);
  }

  @Test
  void theCulpritIsWhatNftsMarkerPointsAt() {
    assertThat(
            NftablesResource.Transaction.culprit(
                "\t\tmeta mark set 0x5 fooo counter", "\t\t                  ^^^^"))
        .contains("at 'fooo'");
    assertThat(
            NftablesResource.Transaction.culprit(
                "\t\ttcp dport 22 acept", "\t\t                  ^"))
        .contains("after 'acept'");
    assertThat(NftablesResource.Transaction.culprit("table inet x {", "/dev/stdin:2:1: Error: x"))
        .isEmpty();
  }

  @Test
  void aRejectedDefinitionInAFileIsLocatedThroughTheYamlBlock() throws Exception {
    String yaml =
        "apiVersion: netconverge/v1\nkind: HostState\nnftables:\n"
            + "  - table: inet keep\n    definition: \"\"\n"
            + "  - table: inet dualwan\n"
            + "    definition: |\n"
            + "      chain c {\n"
            + "        meta mark set 0x5 foo\n"
            + "      }\n";
    HostState state = Netconverge.parse(yaml, "router.yaml");
    Declared<?, ?> nft = state.declared().get(0);
    // Input lines: "table inet keep {", "", "}", "table inet dualwan {", "chain c {", the bad rule.
    String stderr =
        "/dev/stdin:6:24-24: Error: syntax error, unexpected newline\n"
            + "  meta mark set 0x5 foo\n                     ^\n";
    FakeExecutor fake =
        new FakeExecutor().on(NftablesResource.CANONICALIZE, c -> new ExecResult(1, "", stderr));
    fake.on(NftablesResource.READ_LIVE, "{\"nftables\": []}\n");
    assertThatThrownBy(() -> nft.plan(fake))
        .isInstanceOf(DeclarationRejectedException.class)
        .hasMessageStartingWith(
            "router.yaml:9:30: nftables[1].definition: nft: syntax error, unexpected newline");
    assertThat(fake.commands().get(1).stdin())
        .isEqualTo(
            "table inet keep { comment \"netconverge\";\n\n}\n"
                + "table inet dualwan { comment \"netconverge\";\n"
                + "chain c {\n  meta mark set 0x5 foo\n}\n}\n");
  }

  @Test
  void anInterfaceMatchedByIndexGetsAHint() {
    String stderr =
        "/dev/stdin:3:7-12: Error: Interface does not exist\n  iif \"wan0\" accept\n      ^^^^^^\n";
    FakeExecutor fake =
        new FakeExecutor().on(NftablesResource.CANONICALIZE, c -> new ExecResult(1, "", stderr));
    NftState declared =
        NftState.of(List.of(NftTable.present(DUALWAN, "chain c {\n  iif \"wan0\" accept\n}")));
    assertThatThrownBy(() -> module.canonical(fake, declared, declared))
        .isInstanceOf(DeclarationRejectedException.class)
        .hasMessageContaining("line 2: nft: Interface does not exist")
        .hasMessageContaining("match interfaces by name, with iifname/oifname");
  }

  @Test
  void aTargetThatMayNotCreateANetworkNamespaceCanonicalizesInAUserNamespace() throws Exception {
    ExecResult denied = new ExecResult(1, "", "unshare: unshare failed: Operation not permitted\n");
    FakeExecutor fake =
        new FakeExecutor()
            .on(NftablesResource.CANONICALIZE, c -> denied)
            .on(
                NftablesResource.CANONICALIZE_IN_USER_NAMESPACE,
                Fixtures.text("declared-as-nft-prints-it.txt"))
            .on(NftablesResource.READ_LIVE, Fixtures.text("live-same-other-spellings.txt"));
    Diff<NftPlan> diff = plan(fake, declared());
    assertThat(fake.argvs())
        .containsExactly(
            NftablesResource.READ_LIVE,
            NftablesResource.CANONICALIZE,
            NftablesResource.CANONICALIZE_IN_USER_NAMESPACE);
    assertThat(fake.commands().get(2).stdin()).isEqualTo(fake.commands().get(1).stdin());
    assertThat(diff.changes().get(0).action()).isEqualTo(Action.OK);
  }

  @Test
  void aTargetThatMayMakeNoNamespaceAtAllIsToldWhatItLacks() {
    ExecResult denied = new ExecResult(1, "", "unshare: unshare failed: Operation not permitted\n");
    FakeExecutor fake =
        new FakeExecutor()
            .on(NftablesResource.CANONICALIZE, c -> denied)
            .on(NftablesResource.CANONICALIZE_IN_USER_NAMESPACE, c -> denied);
    assertThatThrownBy(() -> module.canonical(fake, declared(), declared()))
        .isNotInstanceOf(DeclarationRejectedException.class)
        .hasMessageStartingWith(
            "cannot make a throw-away network namespace on fake to check the declared nft tables:"
                + " the target may not create a network namespace")
        .hasMessageContaining("Operation not permitted")
        .hasMessageContaining("--cap-add SYS_ADMIN or a seccomp profile that allows unshare");
    assertThat(fake.argvs()).hasSize(2);
  }

  @Test
  void aFailureThatIsNotAboutTheDefinitionIsAnOrdinaryError() {
    FakeExecutor fake =
        new FakeExecutor()
            .on(
                NftablesResource.CANONICALIZE,
                c -> new ExecResult(127, "", "sh: nft: not found\n"));
    assertThatThrownBy(() -> module.canonical(fake, declared(), declared()))
        .isNotInstanceOf(DeclarationRejectedException.class)
        .hasMessageStartingWith("nft is not installed on fake: install the Debian package nftables")
        .hasMessageContaining("'unshare -n -- sh -c")
        .hasMessageContaining("exit 127");
    assertThat(fake.argvs()).hasSize(1);
  }

  @Test
  void nftDyingOfASignalWhileListingIsNamedAsNftsOwnCrashWithItsVersion() {
    // What bullseye's nft 0.9.8 leaves through sh when it aborts listing a rule it accepted.
    ExecResult aborted =
        new ExecResult(
            134, "", "nft: json.c:1234: expr_print_json: Assertion `0' failed.\nAborted\n");
    FakeExecutor fake =
        new FakeExecutor()
            .on(NftablesResource.CANONICALIZE, c -> aborted)
            .on(NftablesResource.VERSION, "nftables v0.9.8 (E.D.S.)\n");
    assertThatThrownBy(() -> module.canonical(fake, declared(), declared()))
        .isNotInstanceOf(DeclarationRejectedException.class)
        .hasMessageStartingWith(
            "nft 0.9.8 crashed (SIGABRT, exit 134) listing the declared tables on fake: that is a"
                + " bug of nft 0.9.8 itself, not of the file")
        .hasMessageContaining("Assertion `0' failed.");
    assertThat(fake.argvs())
        .containsExactly(NftablesResource.CANONICALIZE, NftablesResource.VERSION);
  }

  @Test
  void aCrashListingTheLiveRulesetFailsThePlanAndApplyChangesNothing() {
    FakeExecutor fake =
        new FakeExecutor()
            .on(NftablesResource.CANONICALIZE, Fixtures.text("declared-as-nft-prints-it.txt"))
            .on(NftablesResource.READ_LIVE, c -> new ExecResult(139, "", ""))
            .on(NftablesResource.VERSION, "nftables v1.0.6 (Lester Gooch #5)\n");
    Target target =
        new Target() {
          @Override
          public String name() {
            return "r1";
          }

          @Override
          public io.netconverge.core.exec.Executor executor() {
            return fake;
          }

          @Override
          public HostLock lock() {
            return () -> {};
          }
        };
    Declared<?, ?> nft = new Declared<>(module, declared());
    HostReport report = new Runner().apply(target, List.of(nft));
    assertThat(report.status()).isEqualTo(HostReport.Status.FAILED);
    assertThat(report.error())
        .isEqualTo(
            "nft 1.0.6 crashed (SIGSEGV, exit 139) listing the live ruleset on fake: that is a bug"
                + " of nft 1.0.6 itself, not of the file, and a listing changes nothing");
    assertThat(fake.argvs()).doesNotContain(NftablesResource.APPLY);
  }

  @Test
  void aDefinitionThatClosesItsTableCannotDeclareAnother() {
    FakeExecutor fake =
        new FakeExecutor()
            .on(NftablesResource.CANONICALIZE, Fixtures.text("live-same-other-spellings.txt"));
    assertThatThrownBy(() -> module.canonical(fake, declared(), declared()))
        .isInstanceOf(DeclarationRejectedException.class)
        .hasMessageContaining("ip f2b");
  }

  private static List<TableForm.Rule> rules(String... keys) {
    return java.util.Arrays.stream(keys).map(k -> new TableForm.Rule(k, k)).toList();
  }

  @Test
  void tablesCarryingTheOwnerMarkAreReadAndAnUndeclaredOneIsDeleted() throws Exception {
    String live =
        "{\"nftables\": [{\"table\": {\"family\": \"ip\", \"name\": \"old\", \"handle\": 3}},"
            + " {\"table\": {\"family\": \"ip\", \"name\": \"theirs\", \"handle\": 4}}]}\n"
            + "table ip old { # handle 3\n\tcomment \"netconverge\"\n}\n"
            + "table ip theirs { # handle 4\n\tcomment \"mine\"\n}\n";
    assertThat(NftablesResource.markedTables(live)).containsExactly(NftTableName.parse("ip old"));
    FakeExecutor fake = new FakeExecutor().on(NftablesResource.READ_LIVE, live);
    NftState nothingDeclared = NftState.of(List.of());
    NftState state = module.read(fake, nothingDeclared);
    assertThat(state.liveForms().keySet()).containsExactly(NftTableName.parse("ip old"));
    Diff<NftPlan> diff = module.diff(nothingDeclared, state);
    assertThat(diff.changes())
        .extracting((Change c) -> c.resource().render(), Change::action)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("nftables table ip old", Action.DELETE));
    assertThat(module.commands(diff.plan()))
        .extracting(Command::stdin)
        .containsExactly("table ip old\ndelete table ip old\n");
    // The restore loads it again from its listing.
    assertThat(module.commands(module.restore(state, nothingDeclared)))
        .extracting(Command::stdin)
        .containsExactly(
            "table ip old\ndelete table ip old\ntable ip old {\ncomment \"netconverge\"\n}\n");
  }

  @Test
  void restoreReplaysTheSnapshotsListingAndRemovesDeclaredTablesItLacked() {
    NftState snapshot = read("live-one-rule-changed.txt");
    NftState declared =
        NftState.of(
            List.of(
                NftTable.present(DUALWAN, Fixtures.declaredBody()),
                NftTable.present(NftTableName.parse("ip fresh"), "chain c { }")));
    TableForm had = snapshot.liveForms().get(DUALWAN);
    assertThat(module.commands(module.restore(snapshot, declared)))
        .extracting(Command::stdin)
        .containsExactly(
            "table inet dualwan\ndelete table inet dualwan\ntable inet dualwan {\n"
                + had.definition()
                + "}\ntable ip fresh\ndelete table ip fresh\n");
    assertThat(had.definition()).contains("meta mark set 0x00000015");
  }

  @Test
  void aTableCommentOfTheUsersOwnIsExplainedAsTheOwnerMark() {
    String stderr =
        "/dev/stdin:2:1-15: Error: You can only specify this once. This statement is duplicated.\n"
            + "comment \"mine\"\n^^^^^^^^^^^^^^\n";
    FakeExecutor fake =
        new FakeExecutor().on(NftablesResource.CANONICALIZE, c -> new ExecResult(1, "", stderr));
    NftState declared =
        NftState.of(List.of(NftTable.present(DUALWAN, "comment \"mine\"\nchain c { }")));
    assertThatThrownBy(() -> module.canonical(fake, declared, declared))
        .isInstanceOf(DeclarationRejectedException.class)
        .hasMessageContaining("line 1: nft: You can only specify this once")
        .hasMessageContaining("a table's own comment is netconverge's owner mark");
  }
}
