package io.netconverge.core.exec;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One program to run: argv, what to feed on stdin (empty: nothing), and how long it may take.
 *
 * @param argv the program and its arguments, passed as they are (no shell, no splitting)
 * @param stdin text written to the program's standard input, then closed
 * @param timeout the longest the program may run before it is killed
 */
public record Command(List<String> argv, String stdin, Duration timeout) {

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty argv");
    }
    stdin = Objects.requireNonNullElse(stdin, "");
    timeout = Objects.requireNonNullElse(timeout, Executor.DEFAULT_TIMEOUT);
  }

  public static Command of(String... argv) {
    return new Command(List.of(argv), "", Executor.DEFAULT_TIMEOUT);
  }

  public static Command of(List<String> argv) {
    return new Command(argv, "", Executor.DEFAULT_TIMEOUT);
  }

  public Command withStdin(String text) {
    return new Command(argv, text, timeout);
  }

  public Command withTimeout(Duration limit) {
    return new Command(argv, stdin, limit);
  }

  /** Prefixes the argv, e.g. with {@code ip netns exec NAME}. */
  public Command prefixed(List<String> prefix) {
    return new Command(
        java.util.stream.Stream.concat(prefix.stream(), argv.stream()).toList(), stdin, timeout);
  }

  /** The argv as one readable line, for messages only (it is never given to a shell). */
  public String display() {
    return ShellQuoting.join(argv);
  }

  /**
   * The argv for a sentence: {@link #display()} when it is one short line, else the program and its
   * first arguments up to the first long or multi-line one (a script is not a reason).
   */
  public String brief() {
    String all = display();
    if (all.length() <= 100 && !all.contains("\n")) {
      return all;
    }
    StringBuilder sb = new StringBuilder();
    for (String arg : argv) {
      if (arg.contains("\n") || sb.length() + arg.length() > 60) {
        return sb.append(" ...").toString();
      }
      sb.append(sb.length() == 0 ? "" : " ").append(ShellQuoting.quoteIfNeeded(arg));
    }
    return sb.toString();
  }
}
