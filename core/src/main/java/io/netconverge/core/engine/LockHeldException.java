package io.netconverge.core.engine;

/** Another converge holds the host's lock (exit code 75). */
public class LockHeldException extends Exception {

  private static final long serialVersionUID = 1L;

  public LockHeldException(String message) {
    super(message);
  }
}
