package io.netconverge.core.engine;

/**
 * Where the runner reports what it is doing, so long work is visible while it runs. Called on the
 * thread that converges the host; in a fleet run, on several threads at once.
 */
@FunctionalInterface
public interface Progress {

  Progress NONE = event -> {};

  void on(ConvergeEvent event);
}
