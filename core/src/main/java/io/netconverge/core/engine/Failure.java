package io.netconverge.core.engine;

import io.netconverge.core.exec.ExecException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What failed on a host, as data: which module was at work, which command the target refused and
 * what it said. A front end can show the message; a tool can match on the exit code or the argv.
 *
 * @param module the kind of the module that was reading or applying ({@code nftables}), when one
 *     was
 * @param command the argv of the command that failed, empty when no command did (a lock held, a
 *     verification that found the host still different)
 * @param exitCode the command's exit code, when it ran to one
 * @param stderr what the command printed on stderr, empty when none
 * @param message the whole story in one sentence, for humans
 */
public record Failure(
    Optional<String> module,
    List<String> command,
    OptionalInt exitCode,
    String stderr,
    String message) {

  public Failure {
    Objects.requireNonNull(module, "module");
    command = List.copyOf(command);
    Objects.requireNonNull(exitCode, "exitCode");
    stderr = Objects.requireNonNullElse(stderr, "");
    Objects.requireNonNull(message, "message");
  }

  /** A failure that is only a message: no module, no command. */
  public static Failure of(String message) {
    return new Failure(Optional.empty(), List.of(), OptionalInt.empty(), "", message);
  }

  /** The failure an exception describes, while {@code module} (may be null) was at work. */
  public static Failure of(String module, ExecException e) {
    return new Failure(
        Optional.ofNullable(module),
        e.command(),
        e.result() == null ? OptionalInt.empty() : OptionalInt.of(e.result().exitCode()),
        e.result() == null ? "" : e.result().stderr().strip(),
        e.getMessage());
  }

  /** The same failure with a longer message (e.g. what the restore that followed it did). */
  public Failure withMessage(String longer) {
    return new Failure(module, command, exitCode, stderr, longer);
  }
}
