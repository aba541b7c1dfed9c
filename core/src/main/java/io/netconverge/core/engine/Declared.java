package io.netconverge.core.engine;

import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import java.util.List;

/** A module with the state a host state declares for it: the unit the runner converges. */
public record Declared<S>(ResourceModule<S> module, S state) {

  /** Reads the live state this declaration covers. */
  public Live<S> read(Executor executor) throws ExecException {
    S live = module.read(executor, state);
    return new Live<>(this, live, module.diff(state, live));
  }

  /** The live state of a declaration and the changes that would make it the declared one. */
  public record Live<S>(Declared<S> declared, S state, List<Change> changes) {

    public boolean inSync() {
      return changes.stream().noneMatch(Change::changes);
    }

    public void apply(Executor executor) throws ExecException {
      if (!inSync()) {
        declared.module().apply(executor, declared.state(), state, changes);
      }
    }

    /** The declaration that brings this live state back: what a failed apply restores. */
    public Declared<S> asDeclared() {
      return new Declared<>(declared.module(), state);
    }
  }
}
