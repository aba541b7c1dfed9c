package io.netconverge.trust;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.SshConnection;
import io.netconverge.core.exec.SshExecutor;
import io.netconverge.inventory.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the way in still works after an apply: one command through a NEW connection. A shared ssh
 * master made before the apply may outlive a change that refuses new connections, so over ssh the
 * check opens its own (no ControlMaster, no ControlPath).
 */
public final class Health {

  private Health() {}

  /** An executor that reaches the host without reusing a connection made before. */
  public static Executor freshExecutor(Connection connection, Executor current) {
    if (connection instanceof Connection.Ssh ssh) {
      SshConnection c = ssh.connection();
      Map<String, String> options = new LinkedHashMap<>(c.options());
      options.keySet().removeIf(k -> k.equalsIgnoreCase("ControlPath"));
      options.keySet().removeIf(k -> k.equalsIgnoreCase("ControlMaster"));
      options.keySet().removeIf(k -> k.equalsIgnoreCase("ControlPersist"));
      options.put("ControlMaster", "no");
      options.put("ControlPath", "none");
      options.put("ConnectTimeout", "10");
      return new SshExecutor(
          new SshConnection(c.host(), c.user(), c.port(), c.configFile(), options));
    }
    return current;
  }

  /** Empty when a command ran through {@code fresh}; else what went wrong. */
  public static Optional<String> problem(Executor fresh) {
    try {
      ExecResult r = fresh.run(Command.of("true").withTimeout(Duration.ofSeconds(20)));
      return r.exitCode() == 0
          ? Optional.empty()
          : Optional.of("'true' exited " + r.exitCode() + " on " + fresh.describe());
    } catch (ExecException e) {
      return Optional.of(e.getMessage());
    }
  }
}
