package io.netconverge.it;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import java.util.ArrayList;
import java.util.List;

/** Runs everything through another executor and records each argv: what a run spawned. */
final class RecordingExecutor implements Executor {

  private final Executor delegate;
  private final List<List<String>> argvs = new ArrayList<>();

  RecordingExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public synchronized ExecResult run(Command command) throws ExecException {
    argvs.add(command.argv());
    return delegate.run(command);
  }

  @Override
  public synchronized Process spawn(List<String> argv) throws ExecException {
    argvs.add(List.copyOf(argv));
    return delegate.spawn(argv);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  synchronized List<List<String>> argvs() {
    return List.copyOf(argvs);
  }

  /** How many throw-away namespaces (unshare) it made. */
  synchronized long throwAwayNamespaces() {
    return argvs.stream().filter(a -> a.get(0).equals("unshare")).count();
  }
}
