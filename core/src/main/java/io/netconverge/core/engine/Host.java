package io.netconverge.core.engine;

import io.netconverge.core.exec.DockerExecutor;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.exec.NetnsExecutor;
import io.netconverge.core.exec.SshExecutor;

/**
 * A host to converge, whatever the connection: commands and the converge lock both go through the
 * connection's executor, so the lock lives on the host (in the network namespace) it protects.
 *
 * @param name the host's name in reports
 * @param executor how commands reach it: here, {@code ip netns exec}, ssh or docker exec
 * @param namespaceLock the lock keyed by the namespace the executor runs in
 */
public record Host(String name, Executor executor, NamespaceLock namespaceLock) implements Target {

  public static Host localhost() {
    return new Host("localhost", new LocalExecutor(), NamespaceLock.standard());
  }

  public static Host netns(String namespace) {
    return new Host("netns:" + namespace, new NetnsExecutor(namespace), NamespaceLock.standard());
  }

  public static Host ssh(String name, SshExecutor executor) {
    return new Host(name, executor, NamespaceLock.standard());
  }

  public static Host docker(String name, DockerExecutor executor) {
    return new Host(name, executor, NamespaceLock.standard());
  }

  @Override
  public HostLock lock() throws LockHeldException, io.netconverge.core.exec.ExecException {
    return namespaceLock.acquire(executor, name);
  }
}
