package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.NotFoundException;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.LocalExecutor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The Debian package as a user gets it: installed with dpkg in a Debian 12 container that has only
 * the package's dependencies (a headless JRE, iproute2, nftables, iptables, procps; made here with
 * debootstrap, no registry), then run, then removed.
 */
@Testcontainers(disabledWithoutDocker = true)
class DebPackageIT {

  private static Path deb() throws Exception {
    Path target = Cli.root().resolve("packaging/target");
    Path jar = Cli.root().resolve("cli/target/converge.jar");
    Path deb;
    try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      deb =
          files
              .filter(p -> p.getFileName().toString().endsWith("_all.deb"))
              .findFirst()
              .orElse(null);
    }
    Assumptions.assumeTrue(
        deb != null, "no .deb under packaging/target: build it with mvn package -pl packaging -am");
    Assumptions.assumeTrue(
        Files.getLastModifiedTime(deb).compareTo(Files.getLastModifiedTime(jar)) >= 0,
        deb + " is older than " + jar + ": rebuild it with mvn package -pl packaging -am");
    return deb;
  }

  /** The bookworm image with a JRE: scripts/container-rootfs with one more package. */
  private static String imageWithJre() throws Exception {
    Assumptions.assumeTrue(
        Files.exists(Path.of("/usr/sbin/debootstrap")),
        "the package test needs debootstrap to make its image (scripts/prerequisites installs it)");
    var made =
        new LocalExecutor()
            .run(
                Command.of(
                        "env",
                        "NETCONVERGE_ROOTFS_EXTRA=openjdk-17-jre-headless",
                        Cli.root().resolve("scripts/container-rootfs").toString())
                    .withTimeout(Duration.ofMinutes(15)));
    Assumptions.assumeTrue(made.ok(), () -> "no image with a JRE: " + made.stderr().strip());
    Path tarball = Path.of(made.stdout().strip());
    String tag =
        "netconverge-it/debian-jre:"
            + tarball.getFileName().toString().replaceAll("^rootfs-|\\.tar$", "");
    try {
      DockerClientFactory.instance().client().inspectImageCmd(tag).exec();
      return tag;
    } catch (NotFoundException e) {
      System.err.println("package test: building image " + tag + " from " + tarball);
    }
    new ImageFromDockerfile(tag, false)
        .withFileFromString(
            "Dockerfile", "FROM scratch\nADD rootfs.tar /\nCMD [\"sleep\", \"infinity\"]\n")
        .withFileFromPath("rootfs.tar", tarball)
        .get();
    return tag;
  }

  private static String version() throws Exception {
    Properties p = new Properties();
    try (InputStream in =
        io.netconverge.cli.ConvergeCommand.class.getResourceAsStream("version.properties")) {
      p.load(in);
    }
    return p.getProperty("version");
  }

  private static String run(GenericContainer<?> c, String... argv) throws Exception {
    ExecResult r = c.execInContainer(argv);
    assertThat(r.getExitCode())
        .as(String.join(" ", argv) + "\n" + r.getStdout() + r.getStderr())
        .isZero();
    return r.getStdout();
  }

  @Test
  void installsWithDpkgRunsAndRemovesCleanly() throws Exception {
    Path deb = deb();
    try (GenericContainer<?> c =
        new GenericContainer<>(DockerImageName.parse(imageWithJre()))
            .withCommand("sleep", "infinity")
            .withNetworkMode("none")
            .withCopyFileToContainer(MountableFile.forHostPath(deb), "/tmp/netconverge.deb")) {
      c.start();

      run(c, "dpkg", "-i", "/tmp/netconverge.deb");

      assertThat(run(c, "converge", "--version").strip()).isEqualTo("converge " + version());
      // postinst dumped the start-up archive for this JRE; -Xshare:on refuses an unusable one.
      run(
          c,
          "java",
          "-Xshare:on",
          "-XX:SharedArchiveFile=/var/cache/netconverge/converge.jsa",
          "-jar",
          "/usr/share/netconverge/converge.jar",
          "--version");
      assertThat(
              run(
                  c,
                  "converge",
                  "validate",
                  "/usr/share/doc/netconverge/examples/seed-dualwan-iptables.yaml"))
          .contains("valid");
      assertThat(run(c, "zcat", "/usr/share/man/man1/converge-apply.1.gz"))
          .startsWith(".TH \"CONVERGE-APPLY\" \"1\"")
          .contains("\\fB\\-\\-persist\\fR");
      assertThat(run(c, "cat", "/usr/share/bash-completion/completions/converge"))
          .contains("complete -F _complete_converge");
      assertThat(run(c, "cat", "/lib/systemd/system/netconverge.service"))
          .contains("ExecStart=/usr/bin/converge apply /etc/netconverge/host.yaml");

      run(c, "dpkg", "--purge", "netconverge");
      assertThat(c.execInContainer("sh", "-c", "command -v converge").getExitCode()).isNotZero();
      assertThat(
              c.execInContainer("test", "-e", "/var/cache/netconverge/converge.jsa").getExitCode())
          .isNotZero();
    }
  }
}
