package io.netconverge.core.engine;

public enum Mode {
  /** Read and diff only; the host is not touched. */
  PLAN,
  /** Read, diff, apply, verify. */
  APPLY
}
