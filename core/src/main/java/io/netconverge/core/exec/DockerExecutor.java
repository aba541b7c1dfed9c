package io.netconverge.core.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Runs programs inside a running container with {@code docker exec -i}: the argv goes to the
 * container as it is (no shell on either side), stdin is passed through.
 */
public final class DockerExecutor implements Executor {

  /** Docker's own rule for names ({@code [a-zA-Z0-9][a-zA-Z0-9_.-]+}), which ids also meet. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

  /**
   * Why {@code name} is not a container name or id, or null. A leading {@code -} would make the
   * docker client read it as an option ({@code --privileged}).
   */
  public static String nameProblem(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      return "'"
          + (name == null ? "" : name.replaceAll("\\p{Cntrl}", "?"))
          + "' is not a container name or id: A-Z a-z 0-9 _ . -, starting with a letter or digit";
    }
    return null;
  }

  private final String container;
  private final Executor local;

  public DockerExecutor(String container, Executor local) {
    String problem = nameProblem(container);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    this.container = container;
    this.local = local;
  }

  public DockerExecutor(String container) {
    this(container, new LocalExecutor());
  }

  public String container() {
    return container;
  }

  /** The local argv that runs {@code argv} in the container. */
  public List<String> dockerArgv(List<String> argv) {
    List<String> docker = new ArrayList<>(List.of("docker", "exec", "-i", container));
    // The tools must print what the parsers expect, whatever the image's locale.
    docker.addAll(List.of("env", "LC_ALL=C"));
    docker.addAll(argv);
    return docker;
  }

  @Override
  public ExecResult run(Command command) throws ExecException {
    ExecResult result =
        local.run(new Command(dockerArgv(command.argv()), command.stdin(), command.timeout()));
    // The docker client's own failures (no such container, not running, no daemon) must not pass
    // for the program's exit code.
    if (unreachable(result.exitCode(), result.stderr()).isPresent()) {
      throw new ExecException(
          "cannot run '"
              + command.display()
              + "' on "
              + describe()
              + ": "
              + result.stderr().strip(),
          result,
          null);
    }
    return result;
  }

  @Override
  public java.util.Optional<String> unreachable(int exitCode, String stderr) {
    String err = stderr.strip();
    boolean client =
        exitCode != 0
            && (err.startsWith("Error response from daemon")
                || err.startsWith("Error: No such container")
                || err.startsWith("Cannot connect to the Docker daemon"));
    return client
        ? java.util.Optional.of("cannot reach " + describe() + ": " + err)
        : java.util.Optional.empty();
  }

  @Override
  public Process spawn(List<String> argv) throws ExecException {
    return local.spawn(dockerArgv(argv));
  }

  @Override
  public String describe() {
    return "docker " + container;
  }
}
