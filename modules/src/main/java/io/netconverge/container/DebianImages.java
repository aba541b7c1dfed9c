package io.netconverge.container;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Local images of the Debian releases netconverge is tested on, made without a registry: a root
 * filesystem from debootstrap (the {@code container-rootfs} script shipped in this jar, which
 * caches the tarball under /var/cache/netconverge keyed on release and package list, so it is built
 * once per machine; root and debootstrap are needed), imported as an image whose tag is keyed on
 * that tarball and on the script itself. The testkit, the integration tests and {@code converge
 * test} all name an image by {@link Rootfs#tag()}, so a machine builds each release's image once,
 * whichever of them asks first.
 */
public final class DebianImages {

  /** The releases an image can be made of, oldest first. */
  public static final List<String> RELEASES = List.of("bullseye", "bookworm", "trixie");

  private static final String SCRIPT = "container-rootfs";

  /** What the image runs: nothing but a process that keeps the container up. */
  private static final String CMD = "CMD [\"sleep\", \"infinity\"]";

  private DebianImages() {}

  /**
   * A release's root filesystem tarball and the tag of the image made of it.
   *
   * @param release the Debian release
   * @param tarball the debootstrap tarball, on this machine
   * @param tag the image's tag: {@code netconverge/debian:RELEASE-PACKAGESKEY-SCRIPTKEY}
   */
  public record Rootfs(String release, Path tarball, String tag) {}

  /**
   * The root filesystem of {@code release}, made with debootstrap when this machine has not cached
   * it yet (minutes); {@code progress} gets the script's messages as they come.
   *
   * @throws IllegalArgumentException when the release is not one of {@link #RELEASES}
   * @throws ImageException when it cannot be made (no debootstrap, no mirror, not root), with the
   *     script's reason
   */
  public static Rootfs rootfs(String release, Consumer<String> progress) throws ImageException {
    if (!RELEASES.contains(release)) {
      throw new IllegalArgumentException(
          "unsupported Debian release '"
              + release
              + "' (one of "
              + String.join(", ", RELEASES)
              + ")");
    }
    byte[] script = script();
    Path file = null;
    try {
      file = Files.createTempFile("netconverge-" + SCRIPT, ".sh");
      Files.write(file, script);
      Process p = new ProcessBuilder("bash", file.toString(), release).start();
      p.getOutputStream().close();
      StringBuilder errors = new StringBuilder();
      CompletableFuture<Void> err =
          CompletableFuture.runAsync(
              () -> {
                try (BufferedReader r = p.errorReader(StandardCharsets.UTF_8)) {
                  for (String line = r.readLine(); line != null; line = r.readLine()) {
                    errors.append(line).append('\n');
                    progress.accept(line);
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(30, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new ImageException("making the " + release + " root filesystem took over 30 minutes");
      }
      err.join();
      if (p.exitValue() != 0 || out.isEmpty()) {
        throw new ImageException(
            "cannot make the "
                + release
                + " root filesystem ("
                + SCRIPT
                + ", exit "
                + p.exitValue()
                + "): "
                + errors.toString().strip());
      }
      Path tarball = Path.of(out);
      String key = tarball.getFileName().toString().replaceAll("^rootfs-|\\.tar$", "");
      return new Rootfs(release, tarball, "netconverge/debian:" + key + "-" + sha256(script));
    } catch (IOException e) {
      throw new ImageException(
          "cannot make the " + release + " root filesystem: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImageException("interrupted while making the " + release + " root filesystem", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          progress.accept("could not remove " + file + ": " + e.getMessage());
        }
      }
    }
  }

  /**
   * The tag of {@code release}'s image in the Docker engine the {@code docker} client of {@code
   * local} talks to, imported from the root filesystem when the engine lacks it. Nothing is pulled.
   */
  public static String ensure(String release, Executor local, Consumer<String> progress)
      throws ImageException {
    Rootfs rootfs = rootfs(release, progress);
    try {
      if (exists(local, rootfs.tag())) {
        progress.accept("image " + rootfs.tag() + " (already built)");
        return rootfs.tag();
      }
      progress.accept("importing " + rootfs.tarball() + " as image " + rootfs.tag());
      local.check(
          Command.of(
                  "docker",
                  "import",
                  "--change",
                  CMD,
                  "--message",
                  "netconverge: debootstrap " + release,
                  rootfs.tarball().toString(),
                  rootfs.tag())
              .withTimeout(Duration.ofMinutes(10)));
      return rootfs.tag();
    } catch (ExecException e) {
      throw new ImageException("cannot make the " + release + " image: " + e.getMessage(), e);
    }
  }

  /** Whether the engine has the image; never pulls. */
  public static boolean exists(Executor local, String tag) throws ExecException {
    ExecResult r = local.run(Command.of("docker", "image", "inspect", "--format", "{{.Id}}", tag));
    if (r.ok()) {
      return true;
    }
    if (r.stderr().contains("No such image") || r.stderr().contains("No such object")) {
      return false;
    }
    throw ExecException.failed(local, Command.of("docker", "image", "inspect", tag), r);
  }

  /** The rootfs script as shipped in this jar. */
  public static byte[] script() {
    try (InputStream in = DebianImages.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException(SCRIPT + " is missing from the netconverge-modules jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          .substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An image or its root filesystem could not be made; the message says why. */
  public static final class ImageException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
      super(message);
    }

    public ImageException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
