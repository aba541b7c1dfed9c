package io.netconverge.testkit;

import com.github.dockerjava.api.exception.NotFoundException;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.LocalExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * A local image of a Debian release: no registry is needed. Its root filesystem comes from
 * debootstrap (the {@code container-rootfs} script shipped in this jar, which caches the tarball
 * under /var/cache/netconverge keyed on release and package list, so it is built once per machine;
 * root and debootstrap are needed), under {@code FROM scratch}, tagged with that key.
 */
final class DebianImage {

  static final List<String> RELEASES = List.of("bullseye", "bookworm", "trixie");

  private DebianImage() {}

  /** The image's tag, built when the Docker engine lacks it. */
  static String ensure(String release) {
    if (!RELEASES.contains(release)) {
      throw new IllegalArgumentException(
          "unsupported Debian release '" + release + "' (one of " + RELEASES + ")");
    }
    Path tarball = rootfs(release);
    String key = tarball.getFileName().toString().replaceAll("^rootfs-|\\.tar$", "");
    String tag = "netconverge-testkit/debian:" + key;
    try {
      DockerClientFactory.instance().client().inspectImageCmd(tag).exec();
      return tag;
    } catch (NotFoundException e) {
      // Built below.
    }
    new ImageFromDockerfile(tag, false)
        .withFileFromString(
            "Dockerfile", "FROM scratch\nADD rootfs.tar /\nCMD [\"sleep\", \"infinity\"]\n")
        .withFileFromPath("rootfs.tar", tarball)
        .get();
    return tag;
  }

  private static Path rootfs(String release) {
    Path script = null;
    try (InputStream in = DebianImage.class.getResourceAsStream("container-rootfs")) {
      if (in == null) {
        throw new IllegalStateException("container-rootfs is missing from the testkit jar");
      }
      script = Files.createTempFile("netconverge-container-rootfs", ".sh");
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
      ExecResult made =
          new LocalExecutor()
              .run(
                  Command.of("bash", script.toString(), release)
                      .withTimeout(Duration.ofMinutes(15)));
      if (!made.ok()) {
        throw new IllegalStateException(
            "cannot make the "
                + release
                + " root filesystem (container-rootfs, exit "
                + made.exitCode()
                + "): "
                + made.stderr().strip());
      }
      return Path.of(made.stdout().strip());
    } catch (IOException | ExecException e) {
      throw new IllegalStateException(
          "cannot make the " + release + " root filesystem: " + e.getMessage(), e);
    } finally {
      if (script != null) {
        try {
          Files.deleteIfExists(script);
        } catch (IOException e) {
          // A temporary file left behind is harmless.
        }
      }
    }
  }
}
