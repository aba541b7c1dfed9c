package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages that need no kernel: usage errors and file validation. */
class ConvergeCommandTest {

  record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ConvergeCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    Run r = run("plan", "--frobnicate", "x.yaml");
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("Unknown option: '--frobnicate'");
  }

  @Test
  void aMissingFileArgumentIsAUsageError() {
    assertThat(run("apply").code()).isEqualTo(64);
  }

  @Test
  void noSubcommandIsAUsageError() {
    assertThat(run().code()).isEqualTo(64);
  }

  @Test
  void sandboxAndNetnsTogetherIsAUsageError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, "apiVersion: netconverge/v1\nkind: HostState\n");
    Run r = run("apply", "--sandbox", "--netns", "x", file.toString());
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("--sandbox and --netns cannot be used together");
  }

  @Test
  void validateAcceptsAGoodFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ok.yaml");
    Files.writeString(
        file, "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n");
    Run r = run("validate", file.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("valid");
  }

  @Test
  void validateNamesFileLineAndFieldOfABadOne(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n"
            + "  net..ipv4: 2\n");
    Run r = run("validate", file.toString());
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err())
        .startsWith(file + ":5:3: sysctl[\"net..ipv4\"]: 'net..ipv4' is not a sysctl name");
  }

  @Test
  void aMissingFileIsAnInvalidFile(@TempDir Path dir) {
    Run r = run("plan", dir.resolve("nope.yaml").toString());
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err()).contains("nope.yaml: no such file");
  }

  @Test
  void helpListsTheExitCodes() {
    Run r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("65", "invalid file").contains("75");
  }
}
