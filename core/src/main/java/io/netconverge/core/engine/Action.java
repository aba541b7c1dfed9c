package io.netconverge.core.engine;

/** What converging does to one resource. */
public enum Action {
  /** Already as declared. */
  OK,
  CREATE,
  UPDATE,
  DELETE;

  public boolean changes() {
    return this != OK;
  }
}
