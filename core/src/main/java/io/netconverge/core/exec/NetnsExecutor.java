package io.netconverge.core.exec;

import java.util.List;

/** Runs every command inside a named network namespace with {@code ip netns exec}. */
public final class NetnsExecutor implements Executor {

  private final String namespace;
  private final Executor host;

  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,63}");

  /**
   * Why {@code name} cannot name a namespace of {@code ip netns} (a file under /run/netns), or
   * null.
   */
  public static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "a network namespace name cannot be empty";
    }
    if (!NAME.matcher(name).matches()) {
      return "'"
          + name.replaceAll("\\p{Cntrl}", "?")
          + "' is not a network namespace name: 1 to 64 of A-Z a-z 0-9 _ . -, not starting with"
          + " '.' or '-'";
    }
    return null;
  }

  public NetnsExecutor(String namespace, Executor host) {
    String problem = nameProblem(namespace);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    this.namespace = namespace;
    this.host = host;
  }

  public NetnsExecutor(String namespace) {
    this(namespace, new LocalExecutor());
  }

  public String namespace() {
    return namespace;
  }

  @Override
  public ExecResult run(Command command) throws ExecException {
    ExecResult r = host.run(command.prefixed(List.of("ip", "netns", "exec", namespace)));
    // ip's own refusal (exit 255, before the command runs) would otherwise read as the command's
    // failure: "grep exited 255: Cannot open network namespace ...".
    java.util.Optional<String> gone = unreachable(r.exitCode(), r.stderr());
    if (gone.isPresent()) {
      throw new ExecException(gone.get());
    }
    return r;
  }

  @Override
  public java.util.Optional<String> unreachable(int exitCode, String stderr) {
    if (exitCode != 255
        || !stderr.startsWith("Cannot open network namespace \"" + namespace + "\"")) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        "network namespace "
            + namespace
            + " does not exist"
            + (stderr.contains("No such file") ? "" : ": " + stderr.strip()));
  }

  @Override
  public Process spawn(List<String> argv) throws ExecException {
    return host.spawn(Command.of(argv).prefixed(List.of("ip", "netns", "exec", namespace)).argv());
  }

  @Override
  public String describe() {
    return "netns " + namespace;
  }
}
