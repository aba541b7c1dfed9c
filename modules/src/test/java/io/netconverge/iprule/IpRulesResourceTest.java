package io.netconverge.iprule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.engine.Action;
import io.netconverge.core.engine.Change;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.InterfaceName;
import io.netconverge.core.net.Mark;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.testing.FakeExecutor;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpRulesResourceTest {

  private static final List<String> READ4 = List.of("ip", "-N", "-4", "-j", "-d", "rule", "show");
  private static final List<String> READ6 = List.of("ip", "-N", "-6", "-j", "-d", "rule", "show");
  private static final List<String> TEXT4 = List.of("ip", "-N", "-4", "-d", "rule", "show");
  private static final List<String> TEXT6 = List.of("ip", "-N", "-6", "-d", "rule", "show");

  private final IpRulesResource module =
      new IpRulesResource(77, Path.of("/tmp/nc-iproute2-capture"));

  static String resource(String name) {
    return io.netconverge.core.testing.TestResources.text(name);
  }

  private static FakeExecutor host() {
    return new FakeExecutor()
        .on(List.of("sh", "-c"), resource("/route/iproute2-files.txt"))
        .on(READ4, resource("/iprule/rule-4.json"))
        .on(READ6, resource("/iprule/rule-6.json"))
        .on(TEXT4, resource("/iprule/rule-4-numeric.txt"))
        .on(TEXT6, resource("/iprule/rule-6-numeric.txt"));
  }

  private static IpRule rule(Long priority, String fwmark, String from, String table) {
    return IpRule.of(
        new IpRuleSpec(
            null,
            priority,
            null,
            from,
            null,
            fwmark == null ? null : Mark.parse(fwmark),
            null,
            null,
            TableRef.of(table),
            null,
            null,
            null,
            null,
            null,
            null),
        77);
  }

  private static IpRulesState declared(IpRule... rules) {
    return new IpRulesState(List.of(rules), Map.of("isp1", 110L, "isp2", 120L));
  }

  @Test
  void parsesEveryFieldFromRealOutput() throws Exception {
    List<IpRule> rules = IpRuleJson.parse(resource("/iprule/rule-4.json"), Family.IPV4);
    assertThat(rules.stream().map(IpRule::toString))
        .containsExactly(
            "0: from all lookup 255 proto 2",
            "1009: from all fwmark 0x8e lookup 120 proto 77",
            "1010: from all fwmark 0xa/0xff lookup 110 proto 77",
            "1010: from all fwmark 0xa/0xff lookup 110 proto 4",
            "1110: from 198.51.100.2 lookup 110 proto 77",
            "1200: not from all to 10.0.0.0/8 iif wan0 lookup 254 suppress_prefixlength 0 proto 77",
            "1300: from all oif wan1 uidrange 1000-2000 ipproto tcp sport 1000-2000 dport 80"
                + " prohibit proto 77",
            "1301: from all fwmark 0x8ef lookup 120 proto 77",
            "1302: from all unreachable proto 77",
            "1303: from all fwmark 0x1 blackhole proto 77",
            "1400: from all lookup 200 proto 99",
            // 1500 is a goto rule: no file declares one, so it is not read as a rule to match.
            "1600: from 192.0.2.0/24 iif lo lookup 130 proto 77",
            "32766: from all lookup 254 proto 2",
            "32767: from all lookup 253 proto 2");
    assertThat(
            IpRuleJson.parse(resource("/iprule/rule-6.json"), Family.IPV6).stream()
                .map(IpRule::toString))
        .contains(
            "-6 1020: not from 2001:db8:1::/64 lookup 110 proto 77",
            "-6 1030: from all to 2001:db8:9::1 lookup 120 proto 3");
  }

  @Test
  void aDeclaredRuleEqualsWhatTheKernelReportsForIt() throws Exception {
    IpRule declared =
        IpRule.of(
            new IpRuleSpec(
                null,
                1300L,
                null,
                "all",
                null,
                null,
                null,
                InterfaceName.of("wan1"),
                null,
                null,
                RuleAction.PROHIBIT,
                "1000-2000",
                "6",
                "1000-2000",
                "80"),
            77);
    assertThat(IpRuleJson.parse(resource("/iprule/rule-4.json"), Family.IPV4)).contains(declared);
  }

  @Test
  void readsOnlyOurRulesInFourProcesses() throws Exception {
    FakeExecutor host = host();
    IpRulesState live = module.read(host, declared(rule(1010L, "0xa/0xff", null, "isp1")));
    assertThat(host.argvs()).containsExactly(READ4, TEXT4, READ6, TEXT6);
    assertThat(live.rules()).allMatch(r -> r.protocol() == 77);
    assertThat(live.rules()).hasSize(11);
  }

  @Test
  void marksCompareAsNumbersAndAWiderMarkIsAnotherRule() throws Exception {
    IpRulesState declared =
        declared(
            IpRule.of(
                new IpRuleSpec(
                    null,
                    1303L,
                    null,
                    null,
                    null,
                    Mark.parse("0x1/0xffffffff"),
                    null,
                    null,
                    null,
                    null,
                    RuleAction.BLACKHOLE,
                    null,
                    null,
                    null,
                    null),
                77),
            rule(1010L, "10/0xff", null, "isp1"),
            rule(1301L, "0x8e", null, "120"));
    List<Change> changes = module.diff(declared, module.read(host(), declared)).changes();
    assertThat(changes.subList(0, 3))
        .extracting(Change::action)
        .containsExactly(Action.OK, Action.OK, Action.UPDATE);
    // The live 0x8ef at 1301 does not hide the declared 0x8e: it is drift at that priority.
    assertThat(changes.get(2).beforeText())
        .isEqualTo("1301: from all fwmark 0x8ef lookup 120 proto 77");
    assertThat(changes.get(2).afterText())
        .isEqualTo("1301: from all fwmark 0x8e lookup 120 proto 77");
    // The same change, typed: the rules themselves, and the mark as a value.
    IpRule was = changes.get(2).before(IpRule.class).orElseThrow();
    IpRule now = changes.get(2).after(IpRule.class).orElseThrow();
    assertThat(was.fwmark()).isEqualTo(Mark.parse("0x8ef"));
    assertThat(now.fwmark()).isEqualTo(Mark.parse("0x8e"));
    assertThat(now.priority()).isEqualTo(1301L);
    assertThat(changes.get(2).field("selector").orElseThrow().afterText())
        .isEqualTo("from all fwmark 0x8e");
  }

  @Test
  void aRuleWithoutPriorityMatchesOursAtAnyPriorityAndIsNeverAddedTwice() throws Exception {
    IpRulesState declared = declared(rule(null, "0x8e", null, "isp2"));
    List<Change> changes = module.diff(declared, module.read(host(), declared)).changes();
    assertThat(changes.get(0).action()).isEqualTo(Action.OK);
    assertThat(changes.get(0).beforeText())
        .isEqualTo("1009: from all fwmark 0x8e lookup 120 proto 77");
    assertThat(changes).filteredOn(c -> c.action() == Action.CREATE).isEmpty();
  }

  @Test
  void aForeignTwinDoesNotCountAsOursAndSurvives() throws Exception {
    // 1400 from all lookup 200 exists with protocol 99: it is not ours, so ours is added beside it
    // (the kernel keeps both: the protocol is part of a rule's identity).
    IpRulesState declared = declared(rule(1400L, null, null, "200"));
    List<Change> changes = module.diff(declared, module.read(host(), declared)).changes();
    assertThat(changes.get(0).action()).isEqualTo(Action.CREATE);
    assertThat(changes.get(0).afterText()).isEqualTo("1400: from all lookup 200 proto 77");
    assertThat(changes)
        .allMatch(c -> c.beforeText() == null || !c.beforeText().contains("proto 99"))
        .allMatch(c -> c.beforeText() == null || !c.beforeText().contains("proto 4"));
  }

  @Test
  void appliesAdditionsThenDeletionsInOneBatchPerFamily() throws Exception {
    IpRulesState declared =
        declared(
            rule(1010L, "0xa/0xff", null, "isp1"),
            rule(null, "0x14/0xff", null, "isp2"),
            IpRule.of(
                new IpRuleSpec(
                    Family.IPV6,
                    1010L,
                    null,
                    null,
                    null,
                    Mark.parse("0xa/0xff"),
                    null,
                    null,
                    TableRef.of("isp1"),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null),
                77));
    IpRulesState live = module.read(host(), declared);
    List<Command> commands = module.commands(module.diff(declared, live).plan());
    assertThat(commands)
        .extracting(Command::argv)
        .containsExactly(List.of("ip", "-4", "-batch", "-"), List.of("ip", "-6", "-batch", "-"));
    String v4 = commands.get(0).stdin();
    assertThat(v4)
        .startsWith("rule add from all fwmark 0x14/0xff table 120 protocol 77\n")
        .contains("rule del priority 1009 from all fwmark 0x8e table 120 protocol 77\n")
        .contains(
            "rule del priority 1300 from all oif wan1 uidrange 1000-2000 ipproto 6 sport"
                + " 1000-2000 dport 80 prohibit protocol 77\n")
        .doesNotContain("fwmark 0xa/0xff")
        .doesNotContain("protocol 4");
    assertThat(v4.lines()).hasSize(1 + 8);
    assertThat(commands.get(1).stdin())
        .isEqualTo("rule del priority 1020 not from 2001:db8:1::/64 table 110 protocol 77\n");
  }

  @Test
  void aKeptRuleThatADeletionWouldPickFirstIsTakenOutAndPutBack() {
    IpRule wider =
        IpRule.of(
            new IpRuleSpec(
                null,
                100L,
                null,
                "10.0.0.0/8",
                null,
                null,
                InterfaceName.of("lan0"),
                null,
                TableRef.id(5),
                null,
                null,
                null,
                null,
                null,
                null),
            77);
    IpRule narrower = rule(100L, null, "10.0.0.0/8", "5");
    IpRule other = rule(100L, "0x1", null, "6");
    assertThat(narrower.deletionWouldMatch(wider)).isTrue();
    assertThat(wider.deletionWouldMatch(narrower)).isFalse();
    assertThat(narrower.deletionWouldMatch(other)).isFalse();
    // The kernel's order: the rule that says more came first.
    List<String> lines =
        IpRulesResource.deletions(Family.IPV4, List.of(wider, other, narrower), List.of(narrower));
    assertThat(lines)
        .containsExactly(
            "rule del priority 100 from 10.0.0.0/8 iif lan0 table 5 protocol 77",
            "rule del priority 100 from 10.0.0.0/8 table 5 protocol 77",
            "rule add priority 100 from 10.0.0.0/8 iif lan0 table 5 protocol 77");
    // In the other order nothing stands in the way.
    assertThat(IpRulesResource.deletions(Family.IPV4, List.of(narrower, wider), List.of(narrower)))
        .containsExactly("rule del priority 100 from 10.0.0.0/8 table 5 protocol 77");
  }

  @Test
  void aTableNameOnlyRtTablesKnowsIsReadFromThere() throws Exception {
    FakeExecutor host = host();
    IpRulesState declared = declared(rule(1600L, null, "192.0.2.0/24", "lab"));
    IpRulesState live = module.read(host, declared);
    assertThat(host.argvs()).hasSize(5);
    assertThat(host.argvs().get(0).get(0)).isEqualTo("sh");
    List<Change> changes = module.diff(declared, live).changes();
    assertThat(changes.get(0).afterText()).isEqualTo("1600: from 192.0.2.0/24 lookup 201 proto 77");
  }

  @Test
  void aTableNameNobodyKnowsFailsTheRead() {
    assertThatThrownBy(() -> module.read(host(), declared(rule(5L, "1", null, "nowhere"))))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("names table 'nowhere', which is neither declared");
  }

  @Test
  void ourRulesAreCapturedAsIpPrintedThemSelectorsWeDoNotModelIncluded() {
    List<CapturedRule> rules =
        CapturedRule.parse(
            "700:\tfrom all tos 0x10 lookup 110 proto 77\n"
                + "800:\tfrom all iif wan0 [detached] lookup 110 proto 77\n"
                + "32766:\tfrom all lookup 254 proto 2\n",
            Family.IPV4);
    assertThat(rules)
        .containsExactly(
            new CapturedRule(Family.IPV4, 77, "priority 700 from all tos 0x10 lookup 110 proto 77"),
            new CapturedRule(Family.IPV4, 77, "priority 800 from all iif wan0 lookup 110 proto 77"),
            new CapturedRule(Family.IPV4, 2, "priority 32766 from all lookup 254 proto 2"));
  }

  @Test
  void restoreFlushesOurProtocolAndAddsTheSnapshotsRulesBackInOrder() throws Exception {
    IpRulesState declared = declared(rule(1010L, "0xa/0xff", null, "isp1"));
    IpRulesState snapshot = module.read(host(), declared);
    List<Command> commands = module.commands(module.restore(snapshot, declared));
    assertThat(commands)
        .extracting(Command::argv)
        .containsExactly(List.of("ip", "-4", "-batch", "-"), List.of("ip", "-6", "-batch", "-"));
    assertThat(commands.get(0).stdin().lines())
        .startsWith(
            "rule flush protocol 77",
            "rule add priority 1009 from all fwmark 0x8e lookup 120 proto 77",
            "rule add priority 1010 from all fwmark 0xa/0xff lookup 110 proto 77")
        .contains("rule add priority 1500 from 192.0.2.0/24 goto 1600 proto 77")
        .noneMatch(l -> l.contains("proto 4") || l.contains("proto 99") || l.contains("proto 2"))
        .hasSize(1 + 10);
    assertThat(commands.get(1).stdin())
        .isEqualTo(
            "rule flush protocol 77\n"
                + "rule add priority 1010 from all fwmark 0xa/0xff lookup 110 proto 77\n"
                + "rule add priority 1020 not from 2001:db8:1::/64 lookup 110 proto 77\n");
  }
}
