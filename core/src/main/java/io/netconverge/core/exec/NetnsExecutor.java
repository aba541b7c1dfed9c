package io.netconverge.core.exec;

import java.util.List;

/** Runs every command inside a named network namespace with {@code ip netns exec}. */
public final class NetnsExecutor implements Executor {

  private final String namespace;
  private final Executor host;

  public NetnsExecutor(String namespace, Executor host) {
    if (namespace.isBlank() || namespace.contains("/")) {
      throw new IllegalArgumentException("not a network namespace name: '" + namespace + "'");
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
    return host.run(command.prefixed(List.of("ip", "netns", "exec", namespace)));
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
