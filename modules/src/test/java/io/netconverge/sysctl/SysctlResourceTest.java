package io.netconverge.sysctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.engine.Action;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.ResourceId;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.testing.FakeExecutor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SysctlResourceTest {

  private final SysctlResource module = new SysctlResource();

  private static SysctlState state(String... keyValues) {
    Map<SysctlKey, String> values = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(SysctlKey.of(keyValues[i]), keyValues[i + 1]);
    }
    return new SysctlState(values);
  }

  private static String resource(String name) {
    return io.netconverge.core.testing.TestResources.text("/sysctl/" + name);
  }

  @Test
  void readsEveryKeyInOneProcessAndTriesTheValuesToWriteInAnother() throws Exception {
    String out = resource("grep-missing.stdout");
    FakeExecutor fake = new FakeExecutor().on(List.of("grep"), out).on(List.of("unshare"), "");
    SysctlState declared =
        state(
            "net.ipv4.ip_forward", "1",
            "net.ipv4.ip_local_port_range", "32768 60999",
            "net.ipv4.conf.all.rp_filter", "2");
    SysctlState live = module.read(fake, declared);
    assertThat(fake.argvs())
        .containsExactly(
            List.of(
                "grep",
                "-H",
                "-a",
                "--",
                "",
                "/proc/sys/net/ipv4/ip_forward",
                "/proc/sys/net/ipv4/ip_local_port_range",
                "/proc/sys/net/ipv4/conf/all/rp_filter"),
            // Only the value that differs is tried, in a throw-away network namespace.
            List.of(
                "unshare",
                "-n",
                "--",
                "sh",
                "-c",
                SysctlResource.TRY_VALUES,
                "netconverge",
                "net.ipv4.conf.all.rp_filter=2"));
    assertThat(live.values())
        .containsExactly(
            Map.entry(SysctlKey.of("net.ipv4.ip_forward"), "1"),
            Map.entry(SysctlKey.of("net.ipv4.ip_local_port_range"), "32768 60999"),
            Map.entry(SysctlKey.of("net.ipv4.conf.all.rp_filter"), "0"));
  }

  @Test
  void aValueTheKernelRefusesIsARejectedDeclarationAtItsFileLine() throws Exception {
    String yaml =
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: yes please\n"
            + "  net.ipv4.conf.wan0.rp_filter: 2\n";
    SysctlResource located =
        new SysctlResource(io.netconverge.core.spec.SpecLoader.source(yaml, "router.yaml"));
    FakeExecutor fake =
        new FakeExecutor()
            .on(
                List.of("grep"),
                "/proc/sys/net/ipv4/ip_forward:0\n/proc/sys/net/ipv4/conf/wan0/rp_filter:0\n")
            // What the script prints for a refused write (sysctl's own complaint).
            .on(
                List.of("unshare", "-n"),
                "sysctl: setting key \"net.ipv4.ip_forward\": Invalid argument\n");
    SysctlState declared =
        state("net.ipv4.ip_forward", "yes please", "net.ipv4.conf.wan0.rp_filter", "2");

    assertThatThrownBy(() -> located.read(fake, declared))
        .isInstanceOf(io.netconverge.core.engine.DeclarationRejectedException.class)
        .hasMessage(
            "router.yaml:4:24: sysctl[\"net.ipv4.ip_forward\"]: the kernel refuses the value 'yes"
                + " please' of net.ipv4.ip_forward (invalid argument)");
    // The interface's key is tried as its default twin: wan0 is not in the throw-away namespace.
    assertThat(fake.argvs().get(1)).endsWith("net.ipv4.conf.default.rp_filter=2");
  }

  @Test
  void everyRefusedValueOfOneSysctlRunIsNamedAndOtherComplaintsAreNoVerdict() throws Exception {
    String yaml =
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 7x\n"
            + "  net.ipv4.tcp_fwmark_accept: 99999999999\n  net.ipv4.conf.all.rp_filter: 2\n";
    SysctlResource located =
        new SysctlResource(io.netconverge.core.spec.SpecLoader.source(yaml, "router.yaml"));
    FakeExecutor fake =
        new FakeExecutor()
            .on(
                List.of("grep"),
                "/proc/sys/net/ipv4/ip_forward:0\n/proc/sys/net/ipv4/tcp_fwmark_accept:0\n"
                    + "/proc/sys/net/ipv4/conf/all/rp_filter:0\n")
            // One sysctl for all values: it goes on past each refusal.
            .on(
                List.of("unshare", "-n"),
                "sysctl: setting key \"net.ipv4.ip_forward\": Invalid argument\n"
                    + "sysctl: cannot stat /proc/sys/net/ipv4/conf/all/rp_filter: No such file\n"
                    + "sysctl: setting key \"net.ipv4.tcp_fwmark_accept\": Invalid argument\n");
    SysctlState declared =
        state(
            "net.ipv4.ip_forward",
            "7x",
            "net.ipv4.tcp_fwmark_accept",
            "99999999999",
            "net.ipv4.conf.all.rp_filter",
            "2");
    assertThatThrownBy(() -> located.read(fake, declared))
        .isInstanceOf(io.netconverge.core.engine.DeclarationRejectedException.class)
        .hasMessageContaining("router.yaml:4:24: sysctl[\"net.ipv4.ip_forward\"]")
        .hasMessageContaining("router.yaml:5:31: sysctl[\"net.ipv4.tcp_fwmark_accept\"]")
        .hasMessageNotContaining("rp_filter");
    assertThat(fake.argvs()).hasSize(2);
  }

  @Test
  void valuesAreNotTriedWhenNothingIsToBeWritten() throws Exception {
    FakeExecutor fake = new FakeExecutor().on(List.of("grep"), "/proc/sys/net/ipv4/ip_forward:1\n");
    module.read(fake, state("net.ipv4.ip_forward", "1"));
    assertThat(fake.argvs()).hasSize(1);
  }

  @Test
  void aKeyTheTargetLacksIsARejectedDeclarationAtItsFileLine() throws Exception {
    String yaml =
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n"
            + "  net.ipv4.conf.wan9.rp_filter: 2\n";
    SysctlResource located =
        new SysctlResource(io.netconverge.core.spec.SpecLoader.source(yaml, "router.yaml"));
    FakeExecutor fake =
        new FakeExecutor()
            .on(
                List.of("grep"),
                c ->
                    new ExecResult(
                        2, resource("grep-missing.stdout"), resource("grep-missing.stderr")));
    assertThatThrownBy(
            () ->
                located.read(
                    fake, state("net.ipv4.ip_forward", "1", "net.ipv4.conf.wan9.rp_filter", "2")))
        .isInstanceOf(io.netconverge.core.engine.DeclarationRejectedException.class)
        .hasMessage(
            "router.yaml:5:33: sysctl[\"net.ipv4.conf.wan9.rp_filter\"]: no such sysctl on fake:"
                + " net.ipv4.conf.wan9.rp_filter does not exist (is interface wan9 there?)");
  }

  @Test
  void aMissingKeyIsAnErrorThatNamesItAndItsInterface() throws Exception {
    FakeExecutor fake =
        new FakeExecutor()
            .on(
                List.of("grep"),
                c ->
                    new ExecResult(
                        2, resource("grep-missing.stdout"), resource("grep-missing.stderr")));
    assertThatThrownBy(
            () ->
                module.read(
                    fake, state("net.ipv4.ip_forward", "1", "net.ipv4.conf.wan9.rp_filter", "2")))
        .isInstanceOf(ExecException.class)
        .hasMessage(
            "(declared in code): sysctl[\"net.ipv4.conf.wan9.rp_filter\"]: no such sysctl on fake:"
                + " net.ipv4.conf.wan9.rp_filter does not exist (is interface wan9 there?)");
  }

  @Test
  void noiseOnStderrFromALoginShellIsNotAnError() throws Exception {
    FakeExecutor fake =
        new FakeExecutor()
            .on(
                List.of("grep"),
                c -> new ExecResult(0, "/proc/sys/net/ipv4/ip_forward:1\n", "pyenv: hello\n"));
    assertThat(module.read(fake, state("net.ipv4.ip_forward", "1")).values())
        .containsEntry(SysctlKey.of("net.ipv4.ip_forward"), "1");
  }

  @Test
  void diffComparesAsTheKernelPrints() {
    List<Change> changes =
        module
            .diff(
                state("net.ipv4.ip_local_port_range", "32768   60999", "net.ipv4.ip_forward", "1"),
                state("net.ipv4.ip_local_port_range", "32768\t60999", "net.ipv4.ip_forward", "0"))
            .changes();
    assertThat(changes).extracting(Change::action).containsExactly(Action.OK, Action.UPDATE);
    Change update = changes.get(1);
    assertThat(update.resource().render()).isEqualTo("sysctl net.ipv4.ip_forward");
    assertThat(update.beforeText()).isEqualTo("0");
    assertThat(update.afterText()).isEqualTo("1");
  }

  @Test
  void integersWrittenInHexOrOctalAreTheNumbersTheKernelPrints() {
    List<Change> changes =
        module
            .diff(
                state(
                    "net.ipv6.conf.all.hop_limit", "0x40",
                    "net.ipv4.ip_default_ttl", "0100",
                    "net.ipv4.ip_local_port_range", "0x8000 60999",
                    "net.ipv4.conf.all.rp_filter", "0x1",
                    "net.ipv4.ip_forward", "08"),
                state(
                    "net.ipv6.conf.all.hop_limit", "64",
                    "net.ipv4.ip_default_ttl", "64",
                    "net.ipv4.ip_local_port_range", "32768\t60999",
                    "net.ipv4.conf.all.rp_filter", "2",
                    "net.ipv4.ip_forward", "8"))
            .changes();
    assertThat(changes)
        .extracting(Change::action)
        .containsExactly(Action.OK, Action.OK, Action.OK, Action.UPDATE, Action.UPDATE);
    // What is written is what was declared: the kernel reads it as the same number.
    assertThat(changes.get(3).afterText()).isEqualTo("0x1");
    // A word the kernel would not read as a number is compared as text.
    assertThat(changes.get(4).afterText()).isEqualTo("08");
    assertThat(SysctlState.same("0x10", "0x10")).isTrue();
    assertThat(SysctlState.same("010", "010")).isTrue();
    assertThat(SysctlState.same("16", "0x10")).as("the kernel printed hex: text").isFalse();
    assertThat(SysctlState.same("-010", "-8")).isTrue();
    assertThat(SysctlState.same("+8", "8")).as("the kernel takes no +").isFalse();
    assertThat(SysctlState.same("0x40 1", "64")).isFalse();
  }

  @Test
  void aLibraryUserReadsASysctlChangesValuesAsNumbersWithoutParsingText() {
    List<Change> changes =
        module
            .diff(
                state("net.ipv4.ip_forward", "1", "net.ipv4.tcp_rmem", "4096 131072 6291456"),
                state("net.ipv4.ip_forward", "0", "net.ipv4.tcp_rmem", "4096\t87380 6291456"))
            .changes();

    Change forward = changes.get(0);
    assertThat(forward.resource()).isEqualTo(new ResourceId("sysctl", "net.ipv4.ip_forward"));
    assertThat(forward.before(SysctlValue.class).orElseThrow().number()).hasValue(0);
    assertThat(forward.after(SysctlValue.class).orElseThrow().number()).hasValue(1);
    assertThat(forward.after(SysctlValue.class).orElseThrow().key())
        .isEqualTo(SysctlKey.of("net.ipv4.ip_forward"));
    FieldChange value = forward.field("value").orElseThrow();
    assertThat(value.before(SysctlValue.class).orElseThrow().number()).hasValue(0);
    assertThat(value.after(SysctlValue.class).orElseThrow().number()).hasValue(1);

    Change rmem = changes.get(1);
    assertThat(rmem.before(SysctlValue.class).orElseThrow().numbers())
        .containsExactly(4096L, 87380L, 6291456L);
    assertThat(rmem.after(SysctlValue.class).orElseThrow().numbers())
        .containsExactly(4096L, 131072L, 6291456L);
    assertThat(rmem.after(SysctlValue.class).orElseThrow().number()).isEmpty();
    // The text a report prints is the kernel's form, rendered from the typed value.
    assertThat(rmem.beforeText()).isEqualTo("4096 87380 6291456");
    assertThat(rmem.after(Long.class)).isEmpty();
  }

  @Test
  void appliesOnlyWhatDiffersInOneProcess() {
    SysctlState declared =
        state(
            "net.ipv4.ip_forward", "1",
            "net.ipv4.conf.all.rp_filter", "2",
            "net.ipv4.ip_local_port_range", "20000  40000");
    SysctlState live =
        state(
            "net.ipv4.ip_forward", "0",
            "net.ipv4.conf.all.rp_filter", "2",
            "net.ipv4.ip_local_port_range", "32768 60999");
    assertThat(module.commands(module.diff(declared, live).plan()))
        .extracting(Command::argv)
        .containsExactly(
            List.of(
                "sysctl",
                "-q",
                "-w",
                "net.ipv4.ip_forward=1",
                "net.ipv4.ip_local_port_range=20000 40000"));
  }

  @Test
  void aWriteTheKernelRefusesIsTheFilesMistakeAtTheKeysLine() throws Exception {
    // The default twin took 9000 in the throw-away namespace; the interface (MTU 1500) does not.
    String yaml =
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n"
            + "  net.ipv6.conf.wan0.mtu: 9000\n";
    SysctlResource located =
        new SysctlResource(io.netconverge.core.spec.SpecLoader.source(yaml, "router.yaml"));
    SysctlState declared = state("net.ipv4.ip_forward", "1", "net.ipv6.conf.wan0.mtu", "9000");
    SysctlState live = state("net.ipv4.ip_forward", "0", "net.ipv6.conf.wan0.mtu", "1500");
    SysctlPlan plan = located.diff(declared, live).plan();
    Command write = located.commands(plan).get(0);
    ExecException failure =
        ExecException.failed(
            new FakeExecutor(),
            write,
            new ExecResult(
                1, "", "sysctl: setting key \"net.ipv6.conf.wan0.mtu\": Invalid argument\n"));

    assertThat(located.rejected(plan, failure))
        .extracting(Object::toString)
        .containsExactly(
            "router.yaml:5:27: sysctl[\"net.ipv6.conf.wan0.mtu\"]: the kernel refuses the value"
                + " '9000' of net.ipv6.conf.wan0.mtu (invalid argument)");
  }

  @Test
  void aWriteRefusedForAnotherReasonIsTheHostsFailureNotTheFiles() {
    SysctlState declared = state("net.ipv4.ip_forward", "1", "net.ipv6.conf.wan0.mtu", "9000");
    SysctlState live = state("net.ipv4.ip_forward", "0", "net.ipv6.conf.wan0.mtu", "1500");
    SysctlPlan plan = module.diff(declared, live).plan();
    Command write = module.commands(plan).get(0);
    ExecException failure =
        ExecException.failed(
            new FakeExecutor(),
            write,
            new ExecResult(
                1,
                "",
                "sysctl: setting key \"net.ipv6.conf.wan0.mtu\": Invalid argument\n"
                    + "sysctl: permission denied on key \"net.ipv4.ip_forward\"\n"
                    + "sysctl: setting key \"net.ipv4.ip_forward\": Read-only file system\n"));
    assertThat(module.rejected(plan, failure)).isEmpty();
    // procps says only "permission denied" for EACCES: that too is the host's, not the file's.
    ExecException denied =
        ExecException.failed(
            new FakeExecutor(),
            write,
            new ExecResult(
                1,
                "",
                "sysctl: setting key \"net.ipv6.conf.wan0.mtu\": Invalid argument\n"
                    + "sysctl: permission denied on key \"net.ipv4.ip_forward\"\n"));
    assertThat(module.rejected(plan, denied)).isEmpty();
  }

  @Test
  void nothingToApplyRunsNothing() {
    SysctlState same = state("net.ipv4.ip_forward", "1");
    assertThat(module.diff(same, same).inSync()).isTrue();
    assertThat(module.commands(module.diff(same, same).plan())).isEmpty();
  }

  @Test
  void restoreWritesBackEveryValueTheSnapshotRead() {
    SysctlState snapshot =
        state("net.ipv4.ip_forward", "0", "net.ipv4.ip_local_port_range", "32768 60999");
    SysctlState declared =
        state("net.ipv4.ip_forward", "1", "net.ipv4.ip_local_port_range", "20000 40000");
    assertThat(module.commands(module.restore(snapshot, declared)))
        .extracting(Command::argv)
        .containsExactly(
            List.of(
                "sysctl",
                "-q",
                "-w",
                "net.ipv4.ip_forward=0",
                "net.ipv4.ip_local_port_range=32768 60999"));
  }
}
