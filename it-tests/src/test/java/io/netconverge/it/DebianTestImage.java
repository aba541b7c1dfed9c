package io.netconverge.it;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import io.netconverge.container.DebianImages;
import io.netconverge.core.exec.ExecException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;

/**
 * The images of the container tests, one per Debian release. No registry is reachable, so they are
 * made here: a Debian root filesystem from debootstrap (scripts/container-rootfs RELEASE, cached as
 * a tarball keyed on release and package list, so each is built once per machine) under {@code FROM
 * scratch}, tagged with that key and the script's so it is built only when the engine lacks it.
 */
final class DebianTestImage {

  /** The releases the container tests cover, oldest first. */
  static final List<String> RELEASES = List.of("bullseye", "bookworm", "trixie");

  private DebianTestImage() {}

  /** The bookworm image (the machine's own release). */
  static String ensure() throws Exception {
    return ensure("bookworm");
  }

  /**
   * The image's tag for {@code release}, built when the engine does not have it yet: the tag {@code
   * converge test} and the testkit use ({@link DebianImages#rootfs}), so each image is built once
   * per machine. When it cannot be made (no debootstrap, no mirror), the calling test is skipped
   * with the reason.
   */
  static String ensure(String release) throws Exception {
    Assumptions.assumeTrue(
        Files.exists(Path.of("/usr/sbin/debootstrap")),
        "container tests need debootstrap to make their image (scripts/prerequisites installs it)");
    DebianImages.Rootfs rootfs;
    try {
      rootfs = DebianImages.rootfs(release, System.err::println);
    } catch (DebianImages.ImageException e) {
      Assumptions.abort("no " + release + " image: " + e.getMessage());
      throw e;
    }
    String tag = rootfs.tag();
    try {
      DockerClientFactory.instance().client().inspectImageCmd(tag).exec();
      return tag;
    } catch (NotFoundException e) {
      System.err.println("container tests: building image " + tag + " from " + rootfs.tarball());
    }
    new ImageFromDockerfile(tag, false)
        .withFileFromString(
            "Dockerfile", "FROM scratch\nADD rootfs.tar /\nCMD [\"sleep\", \"infinity\"]\n")
        .withFileFromPath("rootfs.tar", rootfs.tarball())
        .get();
    return tag;
  }

  /**
   * A container of the image that can change its own network namespace: NET_ADMIN and NET_RAW, not
   * privileged mode. With {@code writableProcSys}, /proc/sys is neither masked nor read-only inside
   * it (what {@code docker run --security-opt systempaths=unconfined} asks for), so its
   * per-namespace sysctls can be converged; only its own network namespace's net.* keys are written
   * by the tests. No network: the tests send no traffic.
   */
  static GenericContainer<?> router(String image, boolean writableProcSys) {
    return container(image, writableProcSys, Capability.NET_ADMIN, Capability.NET_RAW);
  }

  /** A container of the image with exactly these capabilities added, and no network. */
  static GenericContainer<?> container(
      String image, boolean writableProcSys, Capability... capabilities) {
    return new GenericContainer<>(DockerImageName.parse(image))
        .withCommand("sleep", "infinity")
        .withNetworkMode("none")
        .withCreateContainerCmdModifier(
            cmd -> {
              HostConfig config =
                  writableProcSys
                      ? UnconfinedSystemPaths.copyOf(cmd.getHostConfig())
                      : cmd.getHostConfig();
              config.withCapAdd(capabilities);
              cmd.withHostConfig(config);
            });
  }

  /**
   * docker-java's HostConfig lacks the API's MaskedPaths and ReadonlyPaths, and the engine rejects
   * the docker CLI's "systempaths=unconfined" as a security option sent through the API. The fields
   * are sent as the engine's API names them, empty, from a subclass the JSON writer serializes as
   * it is.
   */
  static final class UnconfinedSystemPaths extends HostConfig {
    private static final long serialVersionUID = 1L;

    @JsonProperty("MaskedPaths")
    public List<String> getMaskedPaths() {
      return List.of();
    }

    @JsonProperty("ReadonlyPaths")
    public List<String> getReadonlyPaths() {
      return List.of();
    }

    static UnconfinedSystemPaths copyOf(HostConfig config) {
      UnconfinedSystemPaths copy = new UnconfinedSystemPaths();
      for (Field f : HostConfig.class.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        f.setAccessible(true);
        try {
          f.set(copy, f.get(config));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot copy HostConfig." + f.getName(), e);
        }
      }
      return copy;
    }
  }

  static String exec(GenericContainer<?> container, String... argv) throws Exception {
    var r = container.execInContainer(argv);
    if (r.getExitCode() != 0) {
      throw new ExecException("'" + String.join(" ", argv) + "' failed: " + r.getStderr());
    }
    return r.getStdout();
  }
}
