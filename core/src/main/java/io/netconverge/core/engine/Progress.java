package io.netconverge.core.engine;

/** Where the runner reports what it is doing, so long work is visible while it runs. */
@FunctionalInterface
public interface Progress {

  Progress NONE = (host, step) -> {};

  void step(String host, String step);
}
