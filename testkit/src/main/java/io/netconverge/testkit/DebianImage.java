package io.netconverge.testkit;

import com.github.dockerjava.api.exception.NotFoundException;
import io.netconverge.container.DebianImages;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * A local image of a Debian release: no registry is needed. Its root filesystem comes from
 * debootstrap ({@link DebianImages#rootfs}, cached under /var/cache/netconverge, so it is built
 * once per machine; root and debootstrap are needed), under {@code FROM scratch}, tagged as {@code
 * converge test} and the integration tests tag it, so the three share one image per release.
 */
final class DebianImage {

  private static final Logger LOG = LoggerFactory.getLogger(DebianImage.class);

  static final List<String> RELEASES = DebianImages.RELEASES;

  private DebianImage() {}

  /** The image's tag, built when the Docker engine lacks it. */
  static String ensure(String release) {
    DebianImages.Rootfs rootfs;
    try {
      rootfs = DebianImages.rootfs(release, line -> LOG.info("{}", line));
    } catch (DebianImages.ImageException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    try {
      DockerClientFactory.instance().client().inspectImageCmd(rootfs.tag()).exec();
      return rootfs.tag();
    } catch (NotFoundException e) {
      LOG.info("building image {} from {}", rootfs.tag(), rootfs.tarball());
    }
    new ImageFromDockerfile(rootfs.tag(), false)
        .withFileFromString(
            "Dockerfile", "FROM scratch\nADD rootfs.tar /\nCMD [\"sleep\", \"infinity\"]\n")
        .withFileFromPath("rootfs.tar", rootfs.tarball())
        .get();
    return rootfs.tag();
  }
}
