package io.netconverge.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a failed command's message says, from real tools' stderr. */
class ExecExceptionTest {

  private static final Executor DOCKER = new DockerExecutor("router1");

  @Test
  void aSysctlRefusedByAReadOnlyProcSysSaysWhatTheContainerLacks() {
    // procps-ng 4.0.2 in a container run with NET_ADMIN and SYS_ADMIN but /proc/sys read-only.
    ExecException e =
        ExecException.failed(
            DOCKER,
            Command.of("sysctl", "-q", "-w", "net.ipv4.ip_forward=1"),
            new ExecResult(1, "", "sysctl: permission denied on key \"net.ipv4.ip_forward\"\n"));
    assertThat(e.getMessage())
        .contains("sysctl: permission denied on key \"net.ipv4.ip_forward\"")
        .contains("on docker router1")
        .contains("a container needs --security-opt systempaths=unconfined");
  }

  @Test
  void otherFailuresGetNoSuchHint() {
    ExecException unknownKey =
        ExecException.failed(
            DOCKER,
            Command.of("sysctl", "-q", "-w", "net.ipv4.nope=1"),
            new ExecResult(
                255,
                "",
                "sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory\n"));
    assertThat(unknownKey.getMessage()).doesNotContain("systempaths");
    ExecException ip =
        ExecException.failed(
            DOCKER,
            Command.of("ip", "rule", "add", "pref", "100", "lookup", "100"),
            new ExecResult(2, "", "RTNETLINK answers: Operation not permitted\n"));
    assertThat(ip.getMessage()).doesNotContain("systempaths");
  }

  @Test
  void aBatchToolsFailureQuotesTheInputLineItStoppedAt() {
    ExecException e =
        ExecException.failed(
            DOCKER,
            Command.of("ip", "-4", "-batch", "-")
                .withStdin("route add a\nroute add 10.0.0.0/8 via 1.2.3.4\nroute add c\n"),
            new ExecResult(2, "", "Error: Nexthop has invalid gateway.\nCommand failed -:2\n"));
    assertThat(e.getMessage())
        .isEqualTo(
            "'ip -4 -batch -' failed (exit 2) on docker router1: Error: Nexthop has invalid"
                + " gateway.\nCommand failed -:2 (input line 2: 'route add 10.0.0.0/8 via"
                + " 1.2.3.4')");
    assertThat(e.ran()).isEqualTo("'ip -4 -batch -' failed (exit 2) on docker router1");
  }
}
