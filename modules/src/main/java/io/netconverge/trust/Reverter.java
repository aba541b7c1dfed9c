package io.netconverge.trust;

import io.netconverge.core.engine.Safeguard;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.ShellQuoting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Confirm-or-revert on the target itself: before the first change, the commands that put the
 * snapshot back are saved under /run/netconverge/revert-ID (ID: the inode of the target's network
 * namespace; the folder 0700, files 0600) with a POSIX sh script that runs them, and a timer is
 * started there, detached from the connection: a transient systemd timer ({@code systemd-run
 * --on-active}) when systemd runs the target and shares its network and mount namespaces, else
 * {@code setsid sh -c 'sleep N; sh revert.sh'} with its stdio closed. Unless {@link #confirm}
 * removes the folder first, the script restores the snapshot when the time is up, whether or not
 * the controller or its ssh session still live. Whoever renames the folder first wins (confirm to
 * .confirmed, the script to .running), so a confirm and a revert never both happen.
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

  /** Makes a fresh .new folder; refuses while an earlier apply is still unconfirmed. */
  static final String PREPARE =
      LOCATE
          + "umask 077\n"
          + "[ -L \"$b\" ] && { echo \"$b is a symbolic link\" >&2; exit 1; }\n"
          + "mkdir -p \"$b\" && chmod 0700 \"$b\" || exit 1\n"
          + "if [ -d \"$d\" ] || [ -d \"$d.running\" ]; then\n"
          + "  echo \"an earlier apply is not confirmed yet: its reverter is pending in $d;"
          + " run converge confirm, or wait until it has reverted\" >&2\n"
          + "  exit 3\n"
          + "fi\n"
          + "rm -rf \"$d.new\" && mkdir -m 0700 \"$d.new\" && echo \"$d\"\n";

  /** Writes stdin to the .new folder's file $1 (0600, never through a link). */
  static final String WRITE =
      LOCATE
          + "umask 077\n"
          + "case \"$1\" in */*|.*) echo \"bad name $1\" >&2; exit 1;; esac\n"
          + "[ -d \"$d.new\" ] && [ ! -L \"$d.new\" ] || exit 1\n"
          + "rm -f \"$d.new/$1\" && cat > \"$d.new/$1\"\n";

  /** Arms: renames .new to the pending folder, then starts the timer ($1: seconds). */
  static final String START =
      LOCATE
          + "mv \"$d.new\" \"$d\" || exit 1\n"
          + "if command -v systemd-run >/dev/null 2>&1 && [ -d /run/systemd/system ]"
          + " && [ \"$(readlink /proc/1/ns/net)\" = \"$ns\" ]"
          + " && [ \"$(readlink /proc/1/ns/mnt)\" = \"$(readlink /proc/self/ns/mnt)\" ]"
          + " && systemd-run --quiet --unit \"netconverge-revert-$id\" --on-active=\"$1\""
          + " --timer-property=AccuracySec=1s /bin/sh \"$d/revert.sh\" >/dev/null 2>&1; then\n"
          + "  echo systemd >\"$d/how\"; echo systemd-run\n"
          + "else\n"
          + "  setsid sh -c 'sleep \"$1\"; exec sh \"$2\"' netconverge-revert \"$1\" \"$d/revert.sh\""
          + " </dev/null >/dev/null 2>&1 &\n"
          + "  echo \"$!\" >\"$d/pid\"; echo setsid\n"
          + "fi\n";

  /**
   * Confirms: takes the pending folder (rename), stops its timer, removes it. Prints {@code
   * confirmed}, {@code reverting} (too late: the restore runs now), or {@code none}, followed by
   * the last revert's log when there is one.
   */
  static final String CONFIRM =
      LOCATE
          + "if mv \"$d\" \"$d.confirmed\" 2>/dev/null; then\n"
          + "  if [ -f \"$d.confirmed/how\" ]; then\n"
          + "    systemctl stop \"netconverge-revert-$id.timer\" >/dev/null 2>&1\n"
          + "  elif [ -f \"$d.confirmed/pid\" ]; then\n"
          + "    kill -TERM -- \"-$(cat \"$d.confirmed/pid\")\" 2>/dev/null\n"
          + "  fi\n"
          + "  rm -rf \"$d.confirmed\"; echo confirmed\n"
          + "elif [ -d \"$d.running\" ]; then echo reverting\n"
          + "else echo none; [ -f \"$d.log\" ] && cat \"$d.log\"\n"
          + "fi\n"
          + "exit 0\n";

  private final Duration timeout;

  public Reverter(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("the confirm timeout must be positive");
    }
    this.timeout = timeout;
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
   */
  public record ConfirmResult(Confirmation confirmation, String lastRevert) {}

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
    write(executor, "revert.sh", script(lines));
    executor.check(Command.of("sh", "-c", START, "netconverge-arm", Long.toString(seconds())));
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

  /** After the runner restored the snapshot itself: nothing is left to revert. */
  @Override
  public void disarm(Executor executor) throws ExecException {
    confirm(executor);
  }

  /** Cancels the pending reverter of the executor's namespace; idempotent. */
  public static ConfirmResult confirm(Executor executor) throws ExecException {
    ExecResult result = executor.check(Command.of("sh", "-c", CONFIRM, "netconverge-confirm"));
    String out = result.stdout();
    String first = out.lines().findFirst().orElse("").strip();
    String rest = out.contains("\n") ? out.substring(out.indexOf('\n') + 1).strip() : "";
    return switch (first) {
      case "confirmed" -> new ConfirmResult(Confirmation.CONFIRMED, "");
      case "reverting" -> new ConfirmResult(Confirmation.REVERTING, "");
      case "none" -> new ConfirmResult(Confirmation.NONE, rest);
      default -> throw new ExecException("unexpected answer from the confirm script: " + out);
    };
  }
}
