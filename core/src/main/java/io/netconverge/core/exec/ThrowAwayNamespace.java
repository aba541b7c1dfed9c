package io.netconverge.core.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a program on the target inside a fresh, empty network namespace that dies with it: where the
 * target's own nft or iptables put a declaration into their canonical form without touching the
 * host. {@code unshare -n} first; where the target may not create a network namespace directly (a
 * container without CAP_SYS_ADMIN, whose seccomp profile may still allow {@code unshare --user}),
 * {@code unshare -rn}, a network namespace inside a new user namespace, where it is root. In a user
 * namespace the kernel loads no modules on demand, hence only the fallback.
 */
public final class ThrowAwayNamespace {

  private ThrowAwayNamespace() {}

  /** The argv that runs {@code argv} in a throw-away namespace: {@code -n} or {@code -rn}. */
  public static List<String> argv(String namespaces, List<String> argv) {
    List<String> all = new ArrayList<>(List.of("unshare", namespaces, "--"));
    all.addAll(argv);
    return all;
  }

  /**
   * Runs {@code argv} with {@code stdin} in a throw-away network namespace and returns its result
   * whatever its exit code (the caller reads its tool's errors), unless no namespace could be made.
   *
   * @param purpose what the namespace is for, for the error: {@code check the declared nft tables}
   * @throws ExecException naming what the target lacks when neither kind of namespace can be made
   */
  public static ExecResult run(Executor executor, List<String> argv, String stdin, String purpose)
      throws ExecException {
    Command direct = Command.of(argv("-n", argv)).withStdin(stdin);
    ExecResult result = executor.run(direct);
    if (result.ok() || !unshareFailed(result)) {
      return result;
    }
    Command inUserNamespace = Command.of(argv("-rn", argv)).withStdin(stdin);
    ExecResult fallback = executor.run(inUserNamespace);
    if (fallback.ok() || !unshareFailed(fallback)) {
      return fallback;
    }
    if (missing(result)) {
      throw new ExecException(
          "cannot make a throw-away network namespace on "
              + executor.describe()
              + " to "
              + purpose
              + ": the target has no unshare (install util-linux)",
          result,
          null);
    }
    throw new ExecException(
        "cannot make a throw-away network namespace on "
            + executor.describe()
            + " to "
            + purpose
            + ": the target may not create a network namespace ('unshare -n': "
            + firstLine(result)
            + "; 'unshare -rn': "
            + firstLine(fallback)
            + "). netconverge needs CAP_SYS_ADMIN there: a container needs --cap-add SYS_ADMIN"
            + " or a seccomp profile that allows unshare",
        fallback,
        null);
  }

  /** unshare's own failure (it prints "unshare failed"), or no unshare at all. */
  private static boolean unshareFailed(ExecResult result) {
    return result.stderr().contains("unshare failed") || missing(result);
  }

  private static boolean missing(ExecResult result) {
    String err = result.stderr();
    return result.exitCode() == 127
        && (err.contains("unshare: not found")
            || err.contains("unshare: command not found")
            || err.contains("No such file or directory"));
  }

  private static String firstLine(ExecResult result) {
    String err = result.stderr().strip();
    int nl = err.indexOf('\n');
    return nl < 0 ? err : err.substring(0, nl);
  }
}
