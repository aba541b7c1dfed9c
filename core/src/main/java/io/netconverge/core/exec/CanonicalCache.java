package io.netconverge.core.exec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a target's tool printed when it canonicalized a declaration in a {@link ThrowAwayNamespace},
 * remembered on that target, so that a no-op plan needs no throw-away namespace. An entry is keyed
 * by the program and the exact text it was given, and holds the environment it was made in (the
 * kernel release and the tool's own version line): a new nft, iptables or kernel misses.
 *
 * <p>An entry is only ever used to find that nothing changes: a module whose diff against a
 * remembered form is not empty canonicalizes for real before it plans anything, so what reaches the
 * host never comes from here. Even so, an entry must come from this user: the directory must be a
 * real directory (not a link) owned by the user converging and writable by no one else (made 0700,
 * narrowed to 0700), an entry a regular file (not a link, one name) owned by that user with mode
 * 0600, checked on the file once it is open. Anything else is not read (a miss), and not
 * overwritten through: entries are written to a fresh file (mode 0600 from umask 077, then chmod
 * 0600) and renamed over the old name, which replaces a link instead of following it.
 *
 * <p>One lookup is one program on the target, whatever the number of keys; one store is one more.
 */
public final class CanonicalCache {

  private static final Logger LOG = LoggerFactory.getLogger(CanonicalCache.class);

  /** Where entries live unless {@code -Dnetconverge.canonical.cache=DIR} (or {@code off}). */
  public static final Path DEFAULT_DIRECTORY = Path.of("/run/netconverge/canonical");

  /** The first line of every entry: a format of its own, so another file is never taken for one. */
  static final String MAGIC = "netconverge canonical 1";

  /** A cache that never remembers anything: every lookup misses, runs nothing. */
  public static final CanonicalCache NONE = new CanonicalCache(null);

  /** Prints the environment: the kernel release and the tool's version ({@code $v}), no program. */
  static final String ENVIRONMENT =
      "read -r k </proc/sys/kernel/osrelease || k=unknown\n"
          + "echo \"kernel $k\"\n"
          + "(eval \"$v\") 2>&1 | while IFS= read -r l; do echo \"tool $l\"; done\n";

  /**
   * Prints the environment (kernel release, the tool's version), then each entry asked for whose
   * file is safe to read, between boundary lines: {@code $1} directory, {@code $2} boundary, {@code
   * $3} the version command (run by this shell), then the entry names.
   */
  static final String LOOKUP =
      "d=$1; b=$2; v=$3; shift 3\n"
          + ENVIRONMENT
          + "[ -d \"$d\" ] && [ ! -L \"$d\" ] || exit 0\n"
          // The effective uid, without a program: the third field of Uid: in /proc/self/status.
          + "me=; while read -r a r e x; do [ \"$a\" = Uid: ] && me=$e && break; done"
          + " </proc/self/status\n"
          + "[ -n \"$me\" ] || exit 0\n"
          + "for n in \"$@\"; do\n"
          + "  f=\"$d/$n\"\n"
          + "  [ -f \"$f\" ] && [ ! -L \"$f\" ] || continue\n"
          // The directory and the file as opened (/dev/fd/3, not its name) in one stat.
          + "  { set -- $(stat -L -c '%u %a %F %h' \"$d\" /dev/fd/3 2>/dev/null)\n"
          + "    if [ $# = 9 ] && [ \"$1\" = \"$me\" ] && [ \"$2\" = 700 ] && [ \"$3\" = directory ]"
          + " && [ \"$5\" = \"$me\" ] && [ \"$6\" = 600 ] && [ \"$7 $8\" = \"regular file\" ]"
          + " && [ \"$9\" = 1 ]; then\n"
          + "      echo \"$b entry $n\"; cat <&3; echo; echo \"$b end\"\n"
          + "    fi\n"
          + "  } 3<\"$f\"\n"
          + "done\n";

  /**
   * Writes an entry {@code $2} in directory {@code $1}, which it makes (0700) when missing: the
   * header (format, key, the environment now, {@code $3} the version command) and stdin, the
   * canonical output. Answers {@code unsafe WHY} and writes nothing when the directory is not this
   * user's alone. The file is new (noclobber), 0600, and renamed over the entry's name.
   */
  static final String STORE =
      "umask 077\n"
          + "d=$1; n=$2; v=$3\n"
          + "[ -e \"$d\" ] || [ -L \"$d\" ] || mkdir -p -m 0700 \"$d\" || exit 1\n"
          + "if [ -L \"$d\" ] || [ ! -d \"$d\" ]; then echo \"unsafe $d is not a directory\"; exit 1;"
          + " fi\n"
          + "set -- $(stat -c '%u %a' \"$d\") || exit 1\n"
          + "if [ \"$1\" != \"$(id -u)\" ]; then echo \"unsafe $d belongs to uid $1\"; exit 1; fi\n"
          + "if [ $(( 0$2 & 022 )) != 0 ]; then echo \"unsafe $d is writable by others\"; exit 1; fi\n"
          + "[ \"$2\" = 700 ] || chmod 0700 \"$d\" || exit 1\n"
          + "t=\"$d/.new-$n.$$\"\n"
          + "set -C\n"
          + "{ echo '"
          + MAGIC
          + "'; echo \"key $n\"\n"
          + ENVIRONMENT
          + "echo --; cat; } >\"$t\" || { rm -f \"$t\"; exit 1; }\n"
          + "chmod 0600 \"$t\" && mv -f \"$t\" \"$d/$n\" || { rm -f \"$t\"; exit 1; }\n";

  private final Path directory;

  public CanonicalCache(Path directory) {
    this.directory = directory;
  }

  /**
   * The cache at {@code -Dnetconverge.canonical.cache} ({@code off}: none), else at {@link
   * #DEFAULT_DIRECTORY}.
   */
  public static CanonicalCache standard() {
    String configured = System.getProperty("netconverge.canonical.cache");
    if (configured == null || configured.isBlank()) {
      return new CanonicalCache(DEFAULT_DIRECTORY);
    }
    return configured.equals("off") ? NONE : new CanonicalCache(Path.of(configured));
  }

  public Optional<Path> directory() {
    return Optional.ofNullable(directory);
  }

  /**
   * What a canonicalization is: the program run in the throw-away namespace and its stdin. Its name
   * on the target is {@code KIND-SHA256} of both.
   */
  public record Key(String kind, List<String> argv, String stdin) {
    public Key {
      if (!kind.matches("[a-z0-9-]+")) {
        throw new IllegalArgumentException("a cache kind is lower-case letters, digits and '-'");
      }
      argv = List.copyOf(argv);
    }

    String name() {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String arg : argv) {
          sha.update(arg.getBytes(StandardCharsets.UTF_8));
          sha.update((byte) 0);
        }
        sha.update((byte) 1);
        sha.update(stdin.getBytes(StandardCharsets.UTF_8));
        return kind + "-" + HexFormat.of().formatHex(sha.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("no SHA-256 in this JVM", e);
      }
    }
  }

  /** What one lookup found: the remembered output of every key made in the target's environment. */
  public static final class Lookup {
    private final Map<Key, String> found;

    Lookup(Map<Key, String> found) {
      this.found = found;
    }

    /** The remembered stdout of the canonicalization {@code key}, if any. */
    public Optional<String> output(Key key) {
      return Optional.ofNullable(found.get(key));
    }
  }

  /**
   * Reads the entries of {@code keys} on the target, in one program, with the environment: {@code
   * versionCommand} (a shell command, e.g. {@code nft --version}) says the tool's version. An
   * unreadable, unsafe, foreign or stale entry is a miss; so is a failing lookup.
   */
  public Lookup lookup(Executor executor, String versionCommand, List<Key> keys) {
    if (directory == null) {
      return new Lookup(Map.of());
    }
    String boundary = "@@nc-" + HexFormat.of().formatHex(random(12));
    List<String> argv =
        new ArrayList<>(
            List.of(
                "sh",
                "-c",
                LOOKUP,
                "netconverge-cache",
                directory.toString(),
                boundary,
                versionCommand));
    Map<String, Key> byName = new LinkedHashMap<>();
    for (Key key : keys) {
      byName.put(key.name(), key);
    }
    argv.addAll(byName.keySet());
    ExecResult result;
    try {
      result = executor.run(Command.of(argv));
    } catch (ExecException e) {
      LOG.debug("canonical cache: lookup failed on {}: {}", executor.describe(), e.getMessage());
      return new Lookup(Map.of());
    }
    if (!result.ok()) {
      LOG.debug("canonical cache: lookup exited {} on {}", result.exitCode(), executor.describe());
      return new Lookup(Map.of());
    }
    return parse(result.stdout(), boundary, byName);
  }

  /** The lookup's output: environment lines, then {@code B entry NAME} ... {@code B end}. */
  static Lookup parse(String stdout, String boundary, Map<String, Key> byName) {
    StringBuilder environment = new StringBuilder();
    Map<Key, String> found = new LinkedHashMap<>();
    String[] lines = stdout.split("\n", -1);
    int i = 0;
    while (i < lines.length && !lines[i].startsWith(boundary + " ")) {
      if (!lines[i].isEmpty()) {
        environment.append(lines[i]).append('\n');
      }
      i++;
    }
    String env = environment.toString();
    while (i < lines.length) {
      String head = lines[i++];
      if (!head.startsWith(boundary + " entry ")) {
        continue;
      }
      String name = head.substring((boundary + " entry ").length());
      StringBuilder body = new StringBuilder();
      boolean closed = false;
      while (i < lines.length) {
        String line = lines[i++];
        if (line.equals(boundary + " end")) {
          closed = true;
          break;
        }
        body.append(line).append('\n');
      }
      Key key = byName.get(name);
      if (!closed || key == null) {
        continue;
      }
      // The lookup adds one line break after the file (which may lack its own): drop it.
      String text = body.substring(0, body.length() - 1);
      entryOutput(text, key, env)
          .ifPresentOrElse(
              out -> found.put(key, out),
              () ->
                  LOG.debug(
                      "canonical cache: entry {} ignored (not this key or environment)", name));
    }
    return new Lookup(found);
  }

  /** The output an entry holds, when it is one, for {@code key}, made in {@code environment}. */
  static Optional<String> entryOutput(String entry, Key key, String environment) {
    String header = MAGIC + "\nkey " + key.name() + "\n" + environment + "--\n";
    if (environment.isEmpty() || !entry.startsWith(header)) {
      return Optional.empty();
    }
    return Optional.of(entry.substring(header.length()));
  }

  /**
   * Remembers the output of a canonicalization that succeeded, with the environment the target is
   * in now. Never fails the converge: a cache that cannot be written is said in the log and left
   * alone.
   */
  public void store(Executor executor, String versionCommand, Key key, String output) {
    if (directory == null) {
      return;
    }
    Command command =
        Command.of(
                "sh",
                "-c",
                STORE,
                "netconverge-cache",
                directory.toString(),
                key.name(),
                versionCommand)
            .withStdin(output);
    try {
      ExecResult result = executor.run(command);
      if (!result.ok()) {
        LOG.warn(
            "canonical cache: not written on {}: {}",
            executor.describe(),
            (result.stdout() + result.stderr()).strip());
      }
    } catch (ExecException e) {
      LOG.warn("canonical cache: not written on {}: {}", executor.describe(), e.getMessage());
    }
  }

  private static byte[] random(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
