package io.netconverge.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netconverge.core.testing.FakeExecutor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SshExecutorTest {

  private static final Path CONTROL = Path.of("/tmp/nc-cm");

  private static final List<String> HOSTILE =
      List.of(
          "plain",
          "two words",
          "it's",
          "\"double\"",
          "$(touch /tmp/pwned)",
          "`id`",
          "a; touch /tmp/pwned",
          "back\\slash",
          "*",
          "$HOME",
          "",
          "new\nline",
          "'",
          "''\\''");

  @Test
  void theArgvUsesTheUsersSshWithAReusedMasterConnection() {
    SshExecutor ssh =
        new SshExecutor(
            new SshConnection(
                "edge1",
                Optional.of("admin"),
                OptionalInt.of(2222),
                Optional.of(Path.of("/etc/nc/ssh_config")),
                Map.of()),
            CONTROL,
            new FakeExecutor());
    assertThat(ssh.sshArgv(List.of("ip", "-j", "rule")))
        .containsExactly(
            "ssh",
            "-F",
            "/etc/nc/ssh_config",
            "-o",
            "BatchMode=yes",
            "-o",
            "ConnectTimeout=10",
            "-o",
            "ControlMaster=auto",
            "-o",
            "ControlPath=/tmp/nc-cm/%C",
            "-o",
            "ControlPersist=60s",
            "-o",
            "RemoteCommand=none",
            "-o",
            "RequestTTY=no",
            "-o",
            "ServerAliveCountMax=3",
            "-o",
            "ServerAliveInterval=15",
            "-l",
            "admin",
            "-p",
            "2222",
            "--",
            "edge1",
            "env LC_ALL=C 'ip' '-j' 'rule'");
  }

  @Test
  void theUsersOptionsWinOverTheDefaultsWhateverTheirCase() {
    SshExecutor ssh =
        new SshExecutor(
            new SshConnection(
                "r1",
                Optional.empty(),
                OptionalInt.empty(),
                Optional.empty(),
                Map.of("controlpath", "/x/%C", "ProxyJump", "bastion")),
            CONTROL,
            new FakeExecutor());
    List<String> argv = ssh.sshArgv(List.of("true"));
    assertThat(argv).contains("ControlPath=/x/%C");
    assertThat(argv).doesNotContain("ControlPath=/tmp/nc-cm/%C");
    assertThat(argv).contains("ProxyJump=bastion");
    assertThat(argv.subList(argv.size() - 3, argv.size()))
        .containsExactly("--", "r1", "env LC_ALL=C 'true'");
  }

  @Test
  void everyArgumentIsOneLiteralWordForAPosixShell() throws Exception {
    String line = SshExecutor.remoteCommandLine(prepend("printf", "<%s>\\n", HOSTILE));
    // What the remote side does with the line: its shell parses it.
    ExecResult r = new LocalExecutor().check("sh", "-c", line);
    StringBuilder expected = new StringBuilder();
    HOSTILE.forEach(a -> expected.append('<').append(a).append(">\n"));
    assertThat(r.stdout()).isEqualTo(expected.toString());
  }

  @Test
  void stdinAndTimeoutGoThroughAndTheLocalSideGetsNoShell() throws Exception {
    FakeExecutor local = new FakeExecutor().on(List.of("ssh"), "ok\n");
    SshExecutor ssh = new SshExecutor(SshConnection.to("r1"), CONTROL, local);
    ssh.check(Command.of("nft", "-f", "-").withStdin("table inet x {}\n"));
    Command sent = local.commands().get(0);
    assertThat(sent.argv().get(sent.argv().size() - 1)).isEqualTo("env LC_ALL=C 'nft' '-f' '-'");
    assertThat(sent.stdin()).isEqualTo("table inet x {}\n");
  }

  @Test
  void exit255IsAnUnreachableHostNotAProgramResult() {
    FakeExecutor local =
        new FakeExecutor()
            .fail(List.of("ssh"), 255, "ssh: connect to host r1 port 22: Connection refused\n");
    SshExecutor ssh = new SshExecutor(SshConnection.to("r1"), CONTROL, local);
    assertThatThrownBy(() -> ssh.run(Command.of("true")))
        .isInstanceOf(ExecException.class)
        .hasMessageContaining("on ssh r1")
        .hasMessageContaining("Connection refused");
  }

  @Test
  void aProgramsOwnFailureIsItsResult() throws Exception {
    FakeExecutor local =
        new FakeExecutor().fail(List.of("ssh"), 2, "RTNETLINK answers: File exists");
    SshExecutor ssh = new SshExecutor(SshConnection.to("r1"), CONTROL, local);
    assertThat(ssh.run(Command.of("ip", "rule", "add")).exitCode()).isEqualTo(2);
  }

  @Test
  void namesThatSshWouldReadAsOptionsAreRejected() {
    assertThatThrownBy(() -> SshConnection.to("-oProxyCommand=touch /tmp/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not an ssh host name");
    assertThatThrownBy(
            () ->
                new SshConnection(
                    "r1", Optional.of("-x"), OptionalInt.empty(), Optional.empty(), Map.of()))
        .hasMessageContaining("is not a user name");
    assertThatThrownBy(
            () ->
                new SshConnection(
                    "r1", Optional.empty(), OptionalInt.of(0), Optional.empty(), Map.of()))
        .hasMessageContaining("not in 1..65535");
  }

  private static List<String> prepend(String a, String b, List<String> rest) {
    List<String> all = new ArrayList<>(List.of(a, b));
    all.addAll(rest);
    return all;
  }
}
