package io.netconverge.wan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netconverge.core.engine.PendingPart;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code converge watch} knows of a host's WANs, kept in {@code
 * /run/netconverge/wans-netns-INODE.json} (mode 0600, replaced atomically, never through a link):
 * keyed like the converge lock by the network namespace's inode, so {@code converge status} and
 * {@code converge apply} of the same namespace find it. The system property {@value #DIR_PROPERTY}
 * moves the folder (tests).
 */
public final class WatchState {

  public static final String DIR_PROPERTY = "netconverge.run.dir";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private WatchState() {}

  public static Path dir() {
    return Path.of(System.getProperty(DIR_PROPERTY, "/run/netconverge"));
  }

  /** The state file of the network namespace the executor runs in. */
  public static Path file(Executor executor) throws ExecException {
    ExecResult r = executor.check(Command.of("stat", "-L", "-c", "%i", "/proc/self/ns/net"));
    String inode = r.stdout().strip();
    if (!inode.matches("[0-9]+")) {
      throw new ExecException("unexpected inode of /proc/self/ns/net: " + inode);
    }
    return dir().resolve("wans-netns-" + inode + ".json");
  }

  /** The document the watch writes. */
  public static ObjectNode document(
      String file, List<WanStatus> wans, Map<String, Transition> last, List<Transition> log) {
    return document(file, wans, last, log, null, null);
  }

  /**
   * @param converged the watch's last converge, null before the first
   * @param at when it ended
   */
  public static ObjectNode document(
      String file,
      List<WanStatus> wans,
      Map<String, Transition> last,
      List<Transition> log,
      io.netconverge.core.engine.HostReport converged,
      Instant at) {
    ObjectNode root = JSON.createObjectNode();
    root.put("pid", ProcessHandle.current().pid());
    root.put("file", file);
    root.put("updated", Instant.now().toString());
    if (converged != null) {
      ObjectNode c = root.putObject("lastConverge");
      c.put("at", at == null ? null : at.toString());
      c.put("status", converged.status().name().toLowerCase(Locale.ROOT));
      c.put("changed", converged.changed());
      c.put("error", converged.error());
    }
    ArrayNode list = root.putArray("wans");
    for (WanStatus w : wans) {
      ObjectNode o = wan(w);
      Transition t = last.get(w.name());
      if (t != null) {
        o.set("lastTransition", transition(t));
      }
      list.add(o);
    }
    ArrayNode transitions = root.putArray("transitions");
    log.forEach(t -> transitions.add(transition(t)));
    return root;
  }

  /** One WAN as JSON: what {@code status} and the reports print. */
  public static ObjectNode wan(WanStatus w) {
    ObjectNode o = JSON.createObjectNode();
    o.put("name", w.name());
    o.put("interface", w.itf());
    o.put("link", w.link());
    o.put("gateway", w.gateway4());
    o.put("gateway6", w.gateway6());
    o.put("health", w.health().name().toLowerCase(Locale.ROOT));
    o.put("active", w.active());
    ArrayNode pending = o.putArray("pending");
    for (PendingPart p : w.pending()) {
      pending.addObject().put("resource", p.resource()).put("reason", p.reason());
    }
    return o;
  }

  static ObjectNode transition(Transition t) {
    ObjectNode o = JSON.createObjectNode();
    o.put("wan", t.wan());
    o.put("at", t.at().toString());
    o.put("from", t.from().name().toLowerCase(Locale.ROOT));
    o.put("to", t.to().name().toLowerCase(Locale.ROOT));
    o.put("reason", t.reason());
    return o;
  }

  /** Writes the document: 0600, through a temporary file renamed over the old one. */
  public static void write(Path file, JsonNode document) throws IOException {
    Path dir = file.getParent();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path tmp =
        Files.createTempFile(
            dir,
            ".wans-",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(tmp, JSON.writeValueAsString(document), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The document of a watch that is still running, if there is one. */
  public static Optional<JsonNode> readRunning(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      JsonNode doc = JSON.readTree(Files.readString(file));
      long pid = doc.path("pid").asLong(-1);
      boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      return alive ? Optional.of(doc) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The health the running watch of this namespace found, so that a manual {@code apply} keeps a
   * dead WAN out of the outbound default; empty when no watch runs (every WAN untracked).
   */
  public static Map<String, Health> healthOfRunningWatch(Executor executor) {
    Map<String, Health> health = new HashMap<>();
    try {
      readRunning(file(executor))
          .ifPresent(
              doc ->
                  doc.path("wans")
                      .forEach(
                          w ->
                              health.put(
                                  w.path("name").asText(),
                                  Health.valueOf(
                                      w.path("health")
                                          .asText("untracked")
                                          .toUpperCase(Locale.ROOT)))));
    } catch (ExecException | IllegalArgumentException e) {
      // No state to read: the WANs count as untracked, as without a watch.
    }
    return health;
  }
}
