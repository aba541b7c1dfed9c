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
}
