package io.netconverge.trust;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A host state file to save for boot on the target once an apply with a confirm timeout is
 * confirmed (by {@link Reverter#confirm}, or by itself when healthy): it waits in the reverter's
 * folder under /run/netconverge, so a revert (or a reboot before the confirm) drops it with the
 * rest, and a state nobody confirmed never comes back at boot. At the confirm it is written as
 * {@code DIR/host.yaml} (mode 0600 in a folder of mode 0700; a folder that is a symbolic link is
 * refused; written to a new file renamed over the old one, so a link at its name is replaced, never
 * followed) and {@value #UNIT} is enabled.
 *
 * @param content the file as it was applied
 * @param dir the folder on the target, normally {@code /etc/netconverge}
 * @param systemctl the systemctl program on the target, normally {@code systemctl}
 */
public record PendingPersist(String content, String dir, String systemctl) {

  /** The boot unit that applies the saved file. */
  public static final String UNIT = "netconverge.service";

  /** The saved file's name in {@link #dir}. */
  public static final String FILE_NAME = "host.yaml";

  public PendingPersist {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(systemctl, "systemctl");
    if (!dir.startsWith("/") || dir.contains("\n") || dir.equals("/")) {
      throw new IllegalArgumentException("the persist folder must be an absolute path: " + dir);
    }
    if (systemctl.isEmpty() || systemctl.contains("\n")) {
      throw new IllegalArgumentException("bad systemctl program: " + systemctl);
    }
  }

  /** Where the file is saved. */
  public String file() {
    return (dir.endsWith("/") ? dir : dir + "/") + FILE_NAME;
  }

  byte[] bytes() {
    return content.getBytes(StandardCharsets.UTF_8);
  }
}
