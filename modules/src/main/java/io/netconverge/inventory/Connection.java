package io.netconverge.inventory;

import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.NamespaceLock;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.DockerExecutor;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.exec.NetnsExecutor;
import io.netconverge.core.exec.SshConnection;
import io.netconverge.core.exec.SshExecutor;

/** How an inventory reaches a host; makes the target a converge runs against. */
public sealed interface Connection {

  Target target(String hostName);

  /** This machine, in the namespace the command runs in. */
  record Local() implements Connection {
    @Override
    public Target target(String hostName) {
      return new Host(hostName, new LocalExecutor(), NamespaceLock.standard());
    }
  }

  /** A named network namespace on this machine ({@code ip netns exec}). */
  record Netns(String namespace) implements Connection {
    @Override
    public Target target(String hostName) {
      return new Host(hostName, new NetnsExecutor(namespace), NamespaceLock.standard());
    }
  }

  /** A host reached with the OpenSSH client. */
  record Ssh(SshConnection connection) implements Connection {
    @Override
    public Target target(String hostName) {
      return Host.ssh(hostName, new SshExecutor(connection));
    }
  }

  /** A running container ({@code docker exec}). */
  record Docker(String container) implements Connection {
    @Override
    public Target target(String hostName) {
      return Host.docker(hostName, new DockerExecutor(container));
    }
  }
}
