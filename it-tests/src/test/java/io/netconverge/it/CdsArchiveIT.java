package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.LocalExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build's class-data-sharing archive: it holds the command's classes, and a stale one is
 * silent.
 */
class CdsArchiveIT {

  private static final Path JAR = Cli.root().resolve("cli/target/converge.jar");
  private static final Path JSA = Cli.root().resolve("cli/target/converge.jsa");

  /** The JVM options bin/converge starts with when the archive is there. */
  private static List<String> launcher(Path jar) {
    return List.of(
        "java",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-Xshare:auto",
        "-XX:SharedArchiveFile=" + JSA,
        "-Xlog:cds=off",
        "-Xlog:cds+dynamic=off",
        "-jar",
        jar.toString(),
        "--version");
  }

  private static ExecResult run(List<String> argv) throws Exception {
    return new LocalExecutor().run(new Command(argv, "", Duration.ofMinutes(2)));
  }

  @Test
  void theArchiveHoldsTheCommandsClassesAndTheLauncherUsesIt() throws Exception {
    Assumptions.assumeTrue(
        Files.exists(JSA), "no " + JSA + ": the cli was built with -Dnetconverge.cds.skip=true");
    assertThat(Files.readString(Cli.root().resolve("bin/converge")))
        .contains(String.join(" ", launcher(JAR).subList(1, 4)))
        .contains("-XX:SharedArchiveFile=\"$root/cli/target/converge.jsa\"")
        .contains("-Xlog:cds=off -Xlog:cds+dynamic=off");

    List<String> argv = new ArrayList<>(launcher(JAR));
    // -Xshare:on fails instead of falling back: the archive must be usable with this jar and JVM.
    argv.set(3, "-Xshare:on");
    argv.add(1, "-Xlog:class+load=info");
    ExecResult r = run(argv);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout())
        .containsPattern("io\\.netconverge\\.cli\\.ConvergeCommand source: shared objects file");
  }

  @Test
  void aStaleArchiveIsSkippedWithoutAWord(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(
        Files.exists(JSA), "no " + JSA + ": the cli was built with -Dnetconverge.cds.skip=true");
    // The same jar rebuilt since the archive: another modification time is enough for the JVM.
    Path rebuilt = Files.copy(JAR, tmp.resolve("converge.jar"));
    Files.setLastModifiedTime(rebuilt, FileTime.from(Instant.now().plusSeconds(60)));

    List<String> strict = new ArrayList<>(launcher(rebuilt));
    strict.set(3, "-Xshare:on");
    assertThat(run(strict).exitCode()).as("the archive does not fit the rebuilt jar").isNotZero();

    ExecResult r = run(launcher(rebuilt));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).startsWith("converge ");
    assertThat(r.stderr()).isEmpty();
  }
}
