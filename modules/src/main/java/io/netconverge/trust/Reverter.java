package io.netconverge.trust;

import io.netconverge.core.engine.Safeguard;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.ShellQuoting;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Confirm-or-revert on the target itself: before the first change, the commands that put the
 * snapshot back are saved under /run/netconverge/revert-ID (ID: the inode of the target's network
 * namespace; the folder 0700, files 0600) with a POSIX sh script that runs them, and a timer is
 * started there, detached from the connection: a transient systemd timer ({@code systemd-run
 * --on-active}) when systemd runs the target and shares its network and mount namespaces, else
 * {@code setsid sh -c 'sleep N; sh revert.sh'} with its stdio closed. Unless {@link #confirm}
 * removes the folder first, the script restores the snapshot when the time is up, whether or not
 * the controller or its ssh session still live. Whoever renames the folder first wins (confirm to
 * .confirmed, the script to .running), so a confirm and a revert never both happen. A file to save
 * for boot ({@link PendingPersist}) waits in the same folder: the confirm saves it, a revert or a
 * {@link #disarm} drops it with the rest.
 */
public final class Reverter implements Safeguard {

  /** The base folder on the target; /run is a tmpfs, so nothing is left after a reboot. */
  public static final String BASE = "/run/netconverge";

  /** Sets $id to the namespace's inode and $d to its reverter folder. */
  private static final String LOCATE =
      "ns=$(readlink /proc/self/ns/net) || exit 1\n"
          + "id=${ns#net:[}; id=${id%]}\n"
          + "b="
          + BASE
          + "\n"
          + "d=$b/revert-$id\n";

  /**
   * Refuses (exit 3, {@link Safeguard#REFUSED}, the reason on stderr) while an earlier apply is
   * still unconfirmed.
   */
  static final String PENDING_CHECK =
      "if [ -d \"$d\" ] && { { [ -f \"$d/pid\" ] && ! kill -0 \"$(cat \"$d/pid\")\" 2>/dev/null; }"
          + " || { [ -f \"$d/how\" ]"
          + " && ! systemctl is-active --quiet \"netconverge-revert-$id.timer\" 2>/dev/null; }; };"
          + " then\n"
          + "  echo \"an earlier apply's reverter in $d lost its timer (killed, or its namespace went"
          + " away): nothing will restore that snapshot; run converge confirm to drop it\" >&2\n"
          + "  exit 3\n"
          + "fi\n"
          + "if [ -d \"$d\" ] || [ -d \"$d.running\" ]; then\n"
          + "  echo \"an earlier apply is not confirmed yet: its reverter is pending in $d;"
          + " run converge confirm, or wait until it has reverted\" >&2\n"
          + "  exit 3\n"
          + "fi\n";

  /** Makes a fresh .new folder; refuses while an earlier apply is still unconfirmed. */
  static final String PREPARE =
      LOCATE
          + "umask 077\n"
          + "[ -L \"$b\" ] && { echo \"$b is a symbolic link\" >&2; exit 1; }\n"
          + "mkdir -p \"$b\" && chmod 0700 \"$b\" || exit 1\n"
          + PENDING_CHECK
          + "rm -rf \"$d.new\" && mkdir -m 0700 \"$d.new\" && echo \"$d\"\n";

  /**
   * What an apply without a confirm timeout runs before its first change: an earlier apply's
   * pending reverter would put back its own snapshot over this apply's work, part of it, later.
   */
  static final String GUARD = LOCATE + "[ -d \"$b\" ] || exit 0\n" + PENDING_CHECK;

  /**
   * The safeguard of an apply without a confirm timeout: it arms nothing, and refuses before the
   * first change while an earlier apply of the namespace awaits its confirm.
   */
  public static Safeguard pendingGuard() {
    return new Safeguard() {
      @Override
      public void arm(Executor executor, List<Command> restore) throws ExecException {
        executor.check(Command.of("sh", "-c", GUARD, "netconverge-guard"));
      }

      @Override
      public void disarm(Executor executor) {}
    };
  }

  /** Writes stdin to the .new folder's file $1 (0600, never through a link). */
  static final String WRITE =
      LOCATE
          + "umask 077\n"
          + "case \"$1\" in */*|.*) echo \"bad name $1\" >&2; exit 1;; esac\n"
          + "[ -d \"$d.new\" ] && [ ! -L \"$d.new\" ] || exit 1\n"
          + "rm -f \"$d.new/$1\" && cat > \"$d.new/$1\"\n";

  /**
   * Arms: renames .new to the pending folder, then starts the timer ($1: seconds, $2: the token of
   * this arm, which revert.sh checks against its folder's, so that a stray timer of an earlier
   * apply can never restore a later apply's snapshot).
   */
  static final String START =
      LOCATE
          + "printf '%s\\n' \"$2\" >\"$d.new/token\" || exit 1\n"
          + "mv \"$d.new\" \"$d\" || exit 1\n"
          + "if command -v systemd-run >/dev/null 2>&1 && [ -d /run/systemd/system ]"
          + " && [ \"$(readlink /proc/1/ns/net)\" = \"$ns\" ]"
          + " && [ \"$(readlink /proc/1/ns/mnt)\" = \"$(readlink /proc/self/ns/mnt)\" ]"
          + " && systemd-run --quiet --unit \"netconverge-revert-$id\" --on-active=\"$1\""
          + " --timer-property=AccuracySec=1s /bin/sh \"$d/revert.sh\" \"$2\" >/dev/null 2>&1; then\n"
          + "  echo systemd >\"$d/how\"; echo systemd-run\n"
          + "else\n"
          + "  setsid sh -c 'sleep \"$1\"; exec sh \"$2\" \"$3\"' netconverge-revert \"$1\""
          + " \"$d/revert.sh\" \"$2\""
          + " </dev/null >/dev/null 2>&1 &\n"
          + "  echo \"$!\" >\"$d/pid\"; echo setsid\n"
          + "fi\n";

  /**
   * Saves the file {@code $src} as {@code $dir/host.yaml} (0600, in a folder of 0700; a folder that
   * is a symbolic link is refused; written to a new file, synced to disk and renamed over the old
   * one, so a link at its name is replaced, never followed, and a crash leaves the old file or the
   * new one) and enables the boot unit with {@code $sc}. Prints {@code persisted FILE} then {@code
   * enabled} or {@code not-enabled WHY}; or {@code not-persisted WHY}. The one way a file is saved
   * for boot: at a confirm on the target, and by {@code apply --persist} on this machine ({@link
   * #persistNow}).
   */
  static final String INSTALL =
      "umask 077\n"
          + "f=\"${dir%/}/"
          + PendingPersist.FILE_NAME
          + "\"; t=\"${dir%/}/."
          + PendingPersist.FILE_NAME
          + ".new\"\n"
          + "if [ -L \"$dir\" ]; then\n"
          + "  echo \"not-persisted $dir is a symbolic link; remove it, netconverge makes the folder"
          + " itself\"\n"
          + "elif [ -e \"$dir\" ] && [ ! -d \"$dir\" ]; then\n"
          + "  echo \"not-persisted $dir is not a folder; remove it, netconverge makes the folder"
          + " itself\"\n"
          + "elif ! mkdir -p \"$dir\" 2>/dev/null || ! chmod 0700 \"$dir\"; then\n"
          + "  echo \"not-persisted cannot make the folder $dir\"\n"
          + "elif ! rm -f \"$t\" || ! (set -C; cat \"$src\" >\"$t\") 2>/dev/null"
          + " || ! chmod 0600 \"$t\" || ! { sync \"$t\" 2>/dev/null || sync; }"
          + " || ! mv -f -T \"$t\" \"$f\"; then\n"
          + "  rm -f \"$t\"; echo \"not-persisted cannot write $f\"\n"
          + "else\n"
          + "  echo \"persisted $f\"\n"
          + "  if e=$(\"$sc\" enable "
          + PendingPersist.UNIT
          + " 2>&1); then echo enabled;"
          + " else echo \"not-enabled '$sc enable "
          + PendingPersist.UNIT
          + "' failed: $(printf %s \"$e\" | tr '\\n' ' ')\"; fi\n"
          + "fi\n";

  /**
   * Confirms ($1 {@code keep}) or drops ($1 {@code drop}, after the runner restored the snapshot
   * itself): takes the pending folder (rename), stops its timer, removes it; on {@code keep}, saves
   * the pending persist first, if the apply left one ({@link #INSTALL}). Prints {@code confirmed},
   * {@code reverting} (too late: the restore runs now), or {@code none}, followed by the last
   * revert's log when there is one; after {@code confirmed}, the persist's lines.
   */
  static final String CONFIRM =
      LOCATE
          + "c=\"$d.confirmed\"\n"
          + "if mv \"$d\" \"$c\" 2>/dev/null; then\n"
          + "  if [ -f \"$c/how\" ]; then\n"
          + "    systemctl stop \"netconverge-revert-$id.timer\" >/dev/null 2>&1\n"
          + "  elif [ -f \"$c/pid\" ]; then\n"
          // The timer's process group (setsid made it its leader); dash's kill takes no "--".
          + "    kill -TERM \"-$(cat \"$c/pid\")\" 2>/dev/null\n"
          + "  fi\n"
          + "  echo confirmed\n"
          + "  if [ \"$1\" = keep ] && [ -f \"$c/persist.yaml\" ]; then\n"
          + "    src=\"$c/persist.yaml\"; dir=$(cat \"$c/persist.dir\"); sc=$(cat \"$c/persist.systemctl\")\n"
          + INSTALL
          + "  fi\n"
          + "  rm -rf \"$c\"\n"
          + "elif [ -d \"$d.running\" ]; then echo reverting\n"
          + "else echo none; [ -f \"$d.log\" ] && cat \"$d.log\"\n"
          + "fi\n"
          + "exit 0\n";

  /** Saves stdin for boot at once ($1: the folder, $2: systemctl), see {@link #INSTALL}. */
  static final String PERSIST = "dir=$1; sc=$2; src=-\n" + INSTALL + "exit 0\n";

  private final Duration timeout;
  private final Optional<PendingPersist> persist;
  private volatile Instant armedAt;

  public Reverter(Duration timeout) {
    this(timeout, Optional.empty());
  }

  /**
   * @param persist a file to save for boot at the confirm, kept with the snapshot until then
   */
  public Reverter(Duration timeout, Optional<PendingPersist> persist) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the confirm timeout must be positive");
    }
    this.timeout = timeout;
    this.persist = java.util.Objects.requireNonNull(persist, "persist");
  }

  /** What a confirm found on the target. */
  public enum Confirmation {
    /** A pending reverter was cancelled: the applied state stays. */
    CONFIRMED,
    /** Too late: the reverter is restoring the snapshot now. */
    REVERTING,
    /** Nothing was pending (never armed, confirmed before, or already reverted). */
    NONE
  }

  /**
   * @param confirmation what was found
   * @param lastRevert the log of the last revert in this namespace, empty when none ran
   * @param persisted what became of the file the apply left to save at the confirm, when it left
   *     one and the confirm was in time
   */
  public record ConfirmResult(
      Confirmation confirmation, String lastRevert, Optional<Persisted> persisted) {

    public ConfirmResult(Confirmation confirmation, String lastRevert) {
      this(confirmation, lastRevert, Optional.empty());
    }

    /** The last line of the last revert's log ({@code reverted at T, exit N}); empty if none. */
    public String lastRevertLine() {
      return lastRevert.lines().reduce((a, b) -> b).orElse("");
    }

    /** Whether the last revert ran and did not exit 0 (see {@link #script}). */
    public boolean lastRevertFailed() {
      Matcher m = REVERTED.matcher(lastRevertLine());
      return m.find() && !m.group(1).equals("0");
    }
  }

  /** The last line {@link #script} writes to its log. */
  private static final Pattern REVERTED = Pattern.compile("^reverted at \\S+, exit (\\d+)$");

  /**
   * A file saved for boot, or not.
   *
   * @param savedAs where the file was saved, empty when it was not
   * @param problem why it was not saved, or why the unit could not be enabled; empty when both were
   *     done
   */
  public record Persisted(Optional<String> savedAs, Optional<String> problem) {

    public boolean ok() {
      return savedAs.isPresent() && problem.isEmpty();
    }

    /** A sentence for the user. */
    public String describe() {
      if (savedAs.isEmpty()) {
        return "not saved for boot: " + problem.orElse("?");
      }
      return problem.isEmpty()
          ? "saved as "
              + savedAs.get()
              + " and "
              + PendingPersist.UNIT
              + " enabled: it returns at boot"
          : savedAs.get()
              + " is saved, but "
              + PendingPersist.UNIT
              + " could not be enabled, so the state is not applied at boot: "
              + problem.get();
    }

    /** Reads the lines {@link #INSTALL} printed. */
    static Persisted parse(List<String> lines) {
      Optional<String> saved = Optional.empty();
      Optional<String> problem = Optional.of("the target said nothing about it");
      for (String line : lines) {
        if (line.startsWith("persisted ")) {
          saved = Optional.of(line.substring("persisted ".length()));
          problem = Optional.of("the target did not say whether the unit was enabled");
        } else if (line.equals("enabled")) {
          problem = Optional.empty();
        } else if (line.startsWith("not-enabled ")) {
          problem = Optional.of(line.substring("not-enabled ".length()).strip());
        } else if (line.startsWith("not-persisted ")) {
          problem = Optional.of(line.substring("not-persisted ".length()));
        }
      }
      return new Persisted(saved, problem);
    }
  }

  @Override
  public void arm(Executor executor, List<Command> restore) throws ExecException {
    executor.check(Command.of("sh", "-c", PREPARE, "netconverge-arm"));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < restore.size(); i++) {
      Command c = restore.get(i);
      String input = "/dev/null";
      if (!c.stdin().isEmpty()) {
        String name = (i + 1) + ".stdin";
        write(executor, name, c.stdin());
        input = "\"$r/" + name + "\"";
      }
      lines.add(ShellQuoting.join(c.argv()) + " <" + input + " || status=1");
    }
    if (persist.isPresent()) {
      write(executor, "persist.yaml", persist.get().content());
      write(executor, "persist.dir", persist.get().dir());
      write(executor, "persist.systemctl", persist.get().systemctl());
    }
    write(executor, "revert.sh", script(lines));
    String token = java.util.UUID.randomUUID().toString();
    Instant now = Instant.now();
    executor.check(
        Command.of("sh", "-c", START, "netconverge-arm", Long.toString(seconds()), token));
    armedAt = now;
  }

  /** About when the armed reverter restores (the target's clock may differ a little). */
  @Override
  public Optional<Instant> restoresAt() {
    Instant at = armedAt;
    return at == null
        ? Optional.empty()
        : Optional.of(at.plusSeconds(seconds()).truncatedTo(ChronoUnit.SECONDS));
  }

  private long seconds() {
    return Math.max(1, (timeout.toMillis() + 999) / 1000);
  }

  /** The script the timer runs: claims the folder, runs the restore, logs what it did. */
  static String script(List<String> commandLines) {
    StringBuilder sb = new StringBuilder();
    sb.append("#!/bin/sh\n")
        .append("# netconverge reverter: put back the state read before `converge apply`, unless\n")
        .append("# `converge confirm` removed this folder first. Written by netconverge.\n")
        .append(LOCATE)
        .append("umask 077\n")
        // Only the timer of this folder's arm may restore it ($1: its token).
        .append("[ -n \"$1\" ] && [ \"$1\" = \"$(cat \"$d/token\" 2>/dev/null)\" ] || exit 0\n")
        .append("r=$d.running\n")
        .append("mv \"$d\" \"$r\" 2>/dev/null || exit 0\n")
        .append("exec >\"$d.log\" 2>&1\n")
        .append("echo \"reverting at $(date -u +%Y-%m-%dT%H:%M:%SZ)\"\n")
        .append("status=0\n");
    commandLines.forEach(l -> sb.append(l).append('\n'));
    sb.append("echo \"reverted at $(date -u +%Y-%m-%dT%H:%M:%SZ), exit $status\"\n")
        .append("rm -rf \"$r\"\n")
        .append("exit $status\n");
    return sb.toString();
  }

  private static void write(Executor executor, String name, String content) throws ExecException {
    executor.check(new Command(List.of("sh", "-c", WRITE, "netconverge-arm", name), content, null));
  }

  /** After the runner restored the snapshot itself: nothing is left to revert, nor to persist. */
  @Override
  public void disarm(Executor executor) throws ExecException {
    release(executor, "drop");
  }

  /**
   * Cancels the pending reverter of the executor's namespace and saves for boot the file the apply
   * left to persist, if any; idempotent.
   */
  public static ConfirmResult confirm(Executor executor) throws ExecException {
    return release(executor, "keep");
  }

  private static ConfirmResult release(Executor executor, String how) throws ExecException {
    ExecResult result = executor.check(Command.of("sh", "-c", CONFIRM, "netconverge-confirm", how));
    String out = result.stdout();
    List<String> lines = out.lines().toList();
    String first = lines.isEmpty() ? "" : lines.get(0).strip();
    String rest = out.contains("\n") ? out.substring(out.indexOf('\n') + 1).strip() : "";
    return switch (first) {
      case "confirmed" ->
          new ConfirmResult(
              Confirmation.CONFIRMED,
              "",
              lines.size() > 1
                  ? Optional.of(Persisted.parse(lines.subList(1, lines.size())))
                  : Optional.empty());
      case "reverting" -> new ConfirmResult(Confirmation.REVERTING, "");
      case "none" -> new ConfirmResult(Confirmation.NONE, rest);
      default -> throw new ExecException("unexpected answer from the confirm script: " + out);
    };
  }

  /**
   * Saves {@code persist} for boot at once, without a confirm: for an apply that found nothing to
   * change (so armed nothing).
   */
  public static Persisted persistNow(Executor executor, PendingPersist persist)
      throws ExecException {
    ExecResult result =
        executor.check(
            new Command(
                List.of(
                    "sh", "-c", PERSIST, "netconverge-persist", persist.dir(), persist.systemctl()),
                persist.content(),
                null));
    return Persisted.parse(result.stdout().lines().toList());
  }
}
