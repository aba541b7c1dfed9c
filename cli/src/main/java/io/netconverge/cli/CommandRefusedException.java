package io.netconverge.cli;

/**
 * A command refuses to start because something it needs is missing on this machine; nothing was
 * changed. Not a usage error (the command line is right) and not an internal error: the user gets
 * the sentence and the exit code, without the usage text or a stack trace.
 */
final class CommandRefusedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  CommandRefusedException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
