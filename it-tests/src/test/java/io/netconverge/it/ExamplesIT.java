package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every HostState example runs under {@code converge apply --sandbox}: it converges a throw-away
 * namespace, the second plan has zero changes, and the namespaces are gone afterwards.
 */
class ExamplesIT {

  @TestFactory
  Stream<DynamicTest> everyHostStateExampleConvergesInASandbox() throws IOException {
    Path dir = Cli.root().resolve("inventory-examples");
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .filter(ExamplesIT::isHostState)
          .sorted()
          .toList()
          .stream()
          .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> converges(f)));
    }
  }

  private static boolean isHostState(Path file) {
    try {
      return Files.readString(file).lines().anyMatch(l -> l.strip().equals("kind: HostState"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void converges(Path file) {
    Cli run = Cli.run("apply", "--sandbox", file.toString());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("second plan").contains("changed=0 failed=0");
    String namespace =
        run.err()
            .lines()
            .filter(l -> l.startsWith("sandbox: removed "))
            .map(l -> l.substring("sandbox: removed ".length()).strip())
            .findFirst()
            .orElseThrow(() -> new AssertionError("no sandbox removal line:\n" + run));
    TestNamespace.hostRun("true");
    assertThat(netnsList()).doesNotContain(namespace, namespace + "-up");
  }

  private static String netnsList() {
    try {
      return new io.netconverge.core.exec.LocalExecutor().check("ip", "netns", "list").stdout();
    } catch (io.netconverge.core.exec.ExecException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
