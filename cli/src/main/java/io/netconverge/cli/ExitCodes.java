package io.netconverge.cli;

/** The exit codes of DESIGN.md, after sysexits(3) where one fits. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int CHANGES_PENDING = 2;

  /** apply: converged what could be; some WAN's parts are pending (down, missing, no gateway). */
  public static final int APPLIED_PENDING = 3;

  public static final int USAGE = 64;
  public static final int INVALID_FILE = 65;
  public static final int LOCKED = 75;

  private ExitCodes() {}
}
