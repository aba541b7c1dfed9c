package io.netconverge.core.engine;

import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;

/** A host to converge: how to run commands there, and how to hold its converge lock. */
public interface Target {

  /** The host's name in reports. */
  String name();

  Executor executor();

  /**
   * Takes the host's converge lock without waiting.
   *
   * @throws LockHeldException when another converge holds it
   */
  HostLock lock() throws LockHeldException, ExecException;
}
