package io.netconverge.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM while an apply runs: instead of ending the JVM, they cancel the converge,
 * which stops after the command running, restores the snapshot and reports "interrupted". The
 * previous handlers come back on close, so outside an apply the signals do what they always do.
 *
 * <p>A test-only pause point: with the system property {@value #PAUSE_AT} set to N and {@value
 * #PAUSE_FILE} to a path, the N-th check creates that file and waits there until a signal cancels
 * the run, so a test can signal at each boundary between commands.
 */
final class Interruption implements BooleanSupplier, AutoCloseable {

  static final String PAUSE_AT = "netconverge.test.pauseAt";
  static final String PAUSE_FILE = "netconverge.test.pauseFile";

  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicInteger checks = new AtomicInteger();
  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
  private final int pauseAt = Integer.getInteger(PAUSE_AT, 0);
  private final String pauseFile = System.getProperty(PAUSE_FILE);

  private Interruption() {}

  /** Takes over SIGINT and SIGTERM until closed. */
  static Interruption install(PrintWriter err) {
    Interruption i = new Interruption();
    for (String name : new String[] {"INT", "TERM"}) {
      Signal signal = new Signal(name);
      i.previous.put(
          signal,
          Signal.handle(
              signal,
              s -> {
                if (i.cancelled.compareAndSet(false, true)) {
                  err.println(
                      "converge: SIG"
                          + s.getName()
                          + ": finishing the command running, then restoring the state read"
                          + " before apply");
                  err.flush();
                }
              }));
    }
    return i;
  }

  @Override
  public boolean getAsBoolean() {
    if (pauseAt > 0 && pauseFile != null && checks.incrementAndGet() == pauseAt) {
      pause();
    }
    return cancelled.get();
  }

  boolean cancelled() {
    return cancelled.get();
  }

  private void pause() {
    try {
      Files.writeString(Path.of(pauseFile), Integer.toString(pauseAt));
      long until = System.nanoTime() + 60_000_000_000L;
      while (!cancelled.get() && System.nanoTime() < until) {
        Thread.sleep(10);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    previous.forEach(Signal::handle);
  }
}
