package io.netconverge.core.engine;

/** A held converge lock; closing releases it. */
public interface HostLock extends AutoCloseable {

  @Override
  void close();
}
