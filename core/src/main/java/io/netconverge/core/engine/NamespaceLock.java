package io.netconverge.core.engine;

import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The converge lock of a network namespace, on whatever host it lives (here, in a named namespace,
 * over ssh, in a container). Everything netconverge manages lives in a network namespace, so the
 * lock is keyed by the namespace's inode (as the target sees {@code /proc/self/ns/net}): two
 * converges of one namespace exclude each other, even under two names or through two kinds of
 * connection; converges of different namespaces run in parallel.
 *
 * <p>The lock is an flock(2) on {@code DIR/netns-INODE.lock} on the target, held by a small program
 * started there through the target's executor: it takes the lock, says so, and waits for its stdin
 * to close. Releasing is closing that stdin. Because the lock belongs to a running process, the
 * kernel drops it when that process ends for any reason: this process dies, the ssh connection
 * breaks, the container stops. A crash never leaves a stale lock, which a lock directory or a PID
 * file would. It costs one program (one ssh channel) per apply, and a converge run locally and one
 * run over ssh into the same namespace exclude each other, as they use one protocol.
 */
public final class NamespaceLock {

  private static final Pattern NS_LINK = Pattern.compile("net:\\[(\\d+)]");
  private static final Pattern ANSWER = Pattern.compile("(held|busy) (\\d+)");
  private static final Pattern TROUBLE = Pattern.compile("(missing|unsafe) (.+)");

  /**
   * Runs on the target with the lock directory as $1; answers one line: {@code held ID}, {@code
   * busy ID}, {@code missing TOOL} or {@code unsafe WHY}.
   *
   * <ul>
   *   <li>Files come out 0700 (directory) and 0600 (lock) whatever the caller's umask; an existing
   *       directory must be a real directory (not a link) owned by the user converging (root) and
   *       writable by nobody else, and is narrowed to 0700: then no other user can open a lock file
   *       at all, so none can hold or block a converge, nor plant a link where we open.
   *   <li>The lock is an flock on fd 9, kept by the shell until its {@code cat} sees stdin close.
   *   <li>Lock files do not pile up: on release the holder removes its file while still holding it,
   *       and the next run removes every lock file nobody holds (a crashed run's). After taking the
   *       lock, a holder checks that the path still names the file it locked, and starts again
   *       otherwise, so removing a file never lets two converges in at once.
   *   <li>That sweep holds each file nobody holds for a moment. A converge of that file's namespace
   *       (a crashed run's file whose inode a new namespace got again, or its own file just made)
   *       would take that moment for another converge and give up: so the sweep runs under an
   *       exclusive flock of {@code sweep.lock} (skipped when it cannot have it at once), and a
   *       converge takes its own file under a shared one, waiting for a sweep to end.
   * </ul>
   */
  static final String HOLDER =
      "umask 077\n"
          + "for t in flock stat readlink cat; do\n"
          + "  command -v \"$t\" >/dev/null 2>&1 || { echo \"missing $t\"; exit 127; }\n"
          + "done\n"
          + "ns=$(readlink /proc/self/ns/net) || exit 1\n"
          + "id=${ns#net:[}; id=${id%]}\n"
          + "d=$1\n"
          + "[ -e \"$d\" ] || [ -L \"$d\" ] || mkdir -p -m 0700 \"$d\" || exit 1\n"
          + "if [ -L \"$d\" ] || [ ! -d \"$d\" ]; then"
          + " echo \"unsafe $d is not a directory (a symbolic link or a file)\"; exit 1; fi\n"
          + "set -- $(stat -c '%u %a' \"$d\") || exit 1\n"
          + "if [ \"$1\" != \"$(id -u)\" ]; then"
          + " echo \"unsafe $d belongs to uid $1, not to uid $(id -u)\"; exit 1; fi\n"
          + "if [ $(( 0$2 & 022 )) != 0 ]; then"
          + " echo \"unsafe $d is writable by other users (mode $2)\"; exit 1; fi\n"
          + "[ \"$2\" = 700 ] || chmod 0700 \"$d\" || exit 1\n"
          + "f=\"$d/netns-$id.lock\"\n"
          + "s=\"$d/sweep.lock\"\n"
          + "if [ -L \"$s\" ]; then echo \"unsafe $s is a symbolic link\"; exit 1; fi\n"
          + "exec 7>>\"$s\" || exit 1\n"
          + "chmod 0600 \"$s\" 2>/dev/null\n"
          + "while :; do\n"
          + "  if [ -L \"$f\" ]; then echo \"unsafe $f is a symbolic link\"; exit 1; fi\n"
          + "  flock -s -w 60 7 || { echo \"unsafe $s stayed locked for 60 s\"; exit 1; }\n"
          + "  exec 9>>\"$f\" || exit 1\n"
          + "  flock -n 9; rc=$?\n"
          + "  flock -u 7\n"
          + "  if [ $rc = 1 ]; then echo \"busy $id\"; exit 75; fi\n"
          + "  if [ $rc != 0 ]; then echo \"unsafe flock failed (exit $rc)\"; exit 1; fi\n"
          + "  [ \"$(stat -L -c %i /dev/fd/9)\" = \"$(stat -c %i \"$f\" 2>/dev/null)\" ] && break\n"
          + "  exec 9>&-\n"
          + "done\n"
          + "chmod 0600 \"$f\"\n"
          + "if flock -x -n 7; then\n"
          + "  for o in \"$d\"/netns-*.lock; do\n"
          + "    [ \"$o\" = \"$f\" ] || [ -L \"$o\" ] || [ ! -f \"$o\" ] || (\n"
          + "      exec 8<\"$o\" && flock -n 8 &&"
          + " [ \"$(stat -L -c %i /dev/fd/8)\" = \"$(stat -c %i \"$o\")\" ] && rm -f \"$o\"\n"
          + "    ) 2>/dev/null\n"
          + "  done\n"
          + "  flock -u 7\n"
          + "fi\n"
          + "exec 7>&-\n"
          + "echo \"held $id\"\n"
          + "cat >/dev/null 9>&-\n"
          + "rm -f \"$f\"\n";

  private final Path directory;
  private final Duration timeout;

  public NamespaceLock(Path directory, Duration timeout) {
    this.directory = directory;
    this.timeout = timeout;
  }

  public NamespaceLock(Path directory) {
    this(directory, Executor.DEFAULT_TIMEOUT);
  }

  public static NamespaceLock standard() {
    return new NamespaceLock(Path.of("/run/netconverge"));
  }

  /** The argv of the program that holds the lock on the target. */
  public List<String> holderArgv() {
    return List.of("sh", "-c", HOLDER, "netconverge-lock", directory.toString());
  }

  /** Reads the identity of the namespace the executor runs in: its inode number. */
  public static String namespaceId(Executor executor) throws ExecException {
    String link = executor.check("readlink", "/proc/self/ns/net").stdout().strip();
    Matcher m = NS_LINK.matcher(link);
    if (!m.matches()) {
      throw new ExecException("unexpected /proc/self/ns/net link: '" + link + "'");
    }
    return m.group(1);
  }

  public HostLock acquire(Executor executor, String hostName)
      throws ExecException, LockHeldException {
    Process holder = executor.spawn(holderArgv());
    String answer;
    try {
      answer = firstLine(holder);
    } catch (ExecException e) {
      holder.destroyForcibly();
      throw e;
    }
    Matcher trouble = answer == null ? null : TROUBLE.matcher(answer);
    if (trouble != null && trouble.matches()) {
      drainAfterExit(holder);
      throw new ExecException(
          "cannot take the converge lock on "
              + executor.describe()
              + ": "
              + (trouble.group(1).equals("missing")
                  ? "the program '"
                      + trouble.group(2)
                      + "' is not installed there"
                      + (trouble.group(2).equals("flock") ? " (Debian package util-linux)" : "")
                  : trouble.group(2)));
    }
    Matcher m = answer == null ? null : ANSWER.matcher(answer);
    if (m == null || !m.matches()) {
      String err = drainAfterExit(holder);
      // The target is not there (no such namespace, container or ssh host): say that, the way a
      // plan does, not as a problem of the lock.
      if (!holder.isAlive()) {
        java.util.Optional<String> gone = executor.unreachable(holder.exitValue(), err);
        if (gone.isPresent()) {
          throw new ExecException(gone.get());
        }
      }
      throw new ExecException(
          "cannot take the converge lock on "
              + executor.describe()
              + ": "
              + (err.isEmpty() ? "its holder program exited " + exitOf(holder) : err));
    }
    String file = directory.resolve("netns-" + m.group(2) + ".lock").toString();
    if (m.group(1).equals("busy")) {
      drainAfterExit(holder);
      throw new LockHeldException(
          "another converge holds the lock of "
              + hostName
              + " (network namespace "
              + m.group(2)
              + ", "
              + file
              + " on "
              + executor.describe()
              + ")");
    }
    return () -> release(holder);
  }

  private String firstLine(Process holder) throws ExecException {
    // A thread of its own: a fleet takes many locks at once, each waiting on a connection, and
    // a shared pool as small as this machine's core count would make them wait in line.
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                line.complete(
                    new BufferedReader(
                            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
                        .readLine());
              } catch (IOException e) {
                line.completeExceptionally(e);
              }
            },
            "netconverge-lock-reader");
    reader.setDaemon(true);
    reader.start();
    try {
      return line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ExecException(
          "the converge lock was not answered within " + timeout.toSeconds() + "s", null, e);
    } catch (ExecutionException e) {
      throw new ExecException("cannot read the lock holder's answer: " + e.getCause(), null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExecException("interrupted while taking the converge lock", null, e);
    }
  }

  /** Closing stdin ends the holder's {@code cat}; the kernel drops the lock with its file. */
  private static void release(Process holder) {
    try {
      holder.getOutputStream().close();
      if (!holder.waitFor(10, TimeUnit.SECONDS)) {
        holder.destroyForcibly();
      }
    } catch (IOException e) {
      // The pipe is already gone, so the holder has its EOF: ending it is all that is left.
      holder.destroyForcibly();
    } catch (InterruptedException e) {
      holder.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static String drainAfterExit(Process holder) {
    try {
      holder.getOutputStream().close();
      if (!holder.waitFor(10, TimeUnit.SECONDS)) {
        holder.destroyForcibly();
      }
      return new String(holder.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
          .strip()
          .replace('\n', ' ');
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      holder.destroyForcibly();
      return "";
    }
  }

  private static String exitOf(Process holder) {
    return holder.isAlive() ? "none" : Integer.toString(holder.exitValue());
  }
}
