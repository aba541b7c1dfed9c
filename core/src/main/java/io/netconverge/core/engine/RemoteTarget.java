package io.netconverge.core.engine;

import io.netconverge.core.exec.DockerExecutor;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.SshExecutor;

/**
 * A host reached through a connection (ssh, docker): commands and the converge lock both go through
 * the connection's executor, so the lock lives on the host it protects.
 */
public final class RemoteTarget implements Target {

  private final String name;
  private final Executor executor;
  private final NamespaceLock lock;

  public RemoteTarget(String name, Executor executor, NamespaceLock lock) {
    this.name = name;
    this.executor = executor;
    this.lock = lock;
  }

  public static RemoteTarget ssh(String name, SshExecutor executor) {
    return new RemoteTarget(name, executor, NamespaceLock.standard());
  }

  public static RemoteTarget docker(String name, DockerExecutor executor) {
    return new RemoteTarget(name, executor, NamespaceLock.standard());
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
