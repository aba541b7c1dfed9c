package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `apply --persist` refuses before anything runs (exit 64). */
class PersistOptionTest {

  @TempDir Path tmp;

  private int run(StringWriter err, String... args) {
    return ConvergeCommand.run(
        new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
  }

  private Path hostState() throws Exception {
    return Files.writeString(
        tmp.resolve("h.yaml"), "apiVersion: netconverge/v1\nkind: HostState\n");
  }

  @Test
  void persistWithNetnsIsAUsageError() throws Exception {
    StringWriter err = new StringWriter();
    assertThat(run(err, "apply", "--persist", "--netns", "x", hostState().toString()))
        .isEqualTo(64);
    assertThat(err.toString()).contains("cannot be used with --netns");
  }

  @Test
  void persistWithSandboxIsAUsageError() throws Exception {
    StringWriter err = new StringWriter();
    assertThat(run(err, "apply", "--persist", "--sandbox", hostState().toString())).isEqualTo(64);
    assertThat(err.toString()).contains("cannot be used with --sandbox");
  }

  @Test
  void anInventoryIsNotPersisted() throws Exception {
    Path inventory =
        Files.writeString(
            tmp.resolve("fleet.yaml"),
            "apiVersion: netconverge/v1\nkind: Inventory\nhosts:\n"
                + "  - { name: a, netns: pk-none, hostState: { sysctl: {} } }\n");
    StringWriter err = new StringWriter();
    assertThat(run(err, "apply", "--persist", inventory.toString())).isEqualTo(64);
    assertThat(err.toString()).contains("an inventory is not persisted");
  }

  @Test
  void withoutTheBootUnitNothingIsAppliedOrSaved() throws Exception {
    Path systemctl = tmp.resolve("systemctl");
    Files.writeString(
        systemctl, "#!/bin/sh\necho \"$@\" >> " + tmp.resolve("calls") + "\nexit 1\n");
    Files.setPosixFilePermissions(
        systemctl, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Path dir = tmp.resolve("etc-netconverge");
    System.setProperty("netconverge.persist.dir", dir.toString());
    System.setProperty("netconverge.persist.systemctl", systemctl.toString());
    try {
      StringWriter err = new StringWriter();
      assertThat(run(err, "apply", "--persist", hostState().toString())).isEqualTo(1);
      assertThat(err.toString())
          .startsWith("converge: --persist needs the boot unit netconverge.service")
          .contains("nothing was applied or saved")
          .doesNotContain("Usage:");
      assertThat(dir).doesNotExist();
      assertThat(Files.readString(tmp.resolve("calls")))
          .isEqualTo("list-unit-files --no-legend --no-pager netconverge.service\n");
    } finally {
      System.clearProperty("netconverge.persist.dir");
      System.clearProperty("netconverge.persist.systemctl");
    }
  }
}
