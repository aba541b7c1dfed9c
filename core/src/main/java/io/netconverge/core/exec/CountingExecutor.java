package io.netconverge.core.exec;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts the processes spawned through it: how batching is measured. */
public final class CountingExecutor implements Executor {

  private final Executor delegate;
  private final AtomicInteger count = new AtomicInteger();

  public CountingExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public ExecResult run(Command command) throws ExecException {
    count.incrementAndGet();
    return delegate.run(command);
  }

  @Override
  public Process spawn(java.util.List<String> argv) throws ExecException {
    count.incrementAndGet();
    return delegate.spawn(argv);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  public int count() {
    return count.get();
  }
}
