package io.netconverge.core.engine;

import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.exec.NetnsExecutor;

/**
 * A target on this machine: the current network namespace, or a named one through {@code ip netns
 * exec}.
 */
public final class LocalTarget implements Target {

  private final String name;
  private final Executor executor;
  private final NamespaceLock lock;

  public LocalTarget(String name, Executor executor, NamespaceLock lock) {
    this.name = name;
    this.executor = executor;
    this.lock = lock;
  }

  public static LocalTarget localhost() {
    return new LocalTarget("localhost", new LocalExecutor(), NamespaceLock.standard());
  }

  public static LocalTarget netns(String namespace) {
    return new LocalTarget(
        "netns:" + namespace, new NetnsExecutor(namespace), NamespaceLock.standard());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Executor executor() {
    return executor;
  }

  @Override
  public HostLock lock() throws LockHeldException, ExecException {
    return lock.acquire(executor, name);
  }
}
