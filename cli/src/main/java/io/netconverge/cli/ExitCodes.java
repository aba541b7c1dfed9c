package io.netconverge.cli;

/** The exit codes of DESIGN.md, after sysexits(3) where one fits. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int CHANGES_PENDING = 2;

  /** apply: converged what could be; some WAN's parts are pending (down, missing, no gateway). */
  public static final int APPLIED_PENDING = 3;

  /**
   * apply failed (or was cancelled) after changing the host, and the state read before it could not
   * be put back and verified from here: the restore was incomplete, or the host was lost (or not
   * confirmed) and the reverter armed on it restores it at the time given.
   */
  public static final int NOT_RESTORED = 4;

  public static final int USAGE = 64;
  public static final int INVALID_FILE = 65;
  public static final int LOCKED = 75;

  private ExitCodes() {}
}
