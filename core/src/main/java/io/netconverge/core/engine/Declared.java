package io.netconverge.core.engine;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.spec.SpecProblem;
import java.util.List;

/** A module with the state a host state declares for it: the unit the runner converges. */
public record Declared<S, P>(ResourceModule<S, P> module, S state) {

  /**
   * Reads the live state, canonicalizes the declared one against it, and diffs the two. A
   * remembered canonical form that shows no change saves the canonicalization.
   */
  public Planned<S, P> plan(Executor executor) throws ExecException {
    S live = module.read(executor, state);
    java.util.Optional<S> remembered = module.rememberedCanonical(executor, state, live);
    if (remembered.isPresent()) {
      Diff<P> diff = module.diff(remembered.get(), live);
      if (diff.inSync()) {
        return new Planned<>(this, remembered.get(), live, diff);
      }
      // Something changes: the plan is made from the real canonical form, never a remembered one.
    }
    S canonical = module.canonical(executor, state, live);
    return new Planned<>(this, canonical, live, module.diff(canonical, live));
  }

  /** Reads again and diffs against a canonical form made before (verification). */
  Planned<S, P> replan(Executor executor, S canonical) throws ExecException {
    S live = module.read(executor, state);
    return new Planned<>(this, canonical, live, module.diff(canonical, live));
  }

  /**
   * One declaration planned against a live read.
   *
   * @param canonical the declared state in the target's canonical form
   * @param live the live state read (a snapshot when read under the lock)
   * @param diff the changes and the plan that makes them
   */
  public record Planned<S, P>(Declared<S, P> declared, S canonical, S live, Diff<P> diff) {

    public boolean inSync() {
      return diff.inSync();
    }

    public List<Change> changes() {
      return diff.changes();
    }

    /** The commands that carry out the plan; none when in sync. */
    public List<Command> commands() {
      return inSync() ? List.of() : declared.module().commands(diff.plan());
    }

    /**
     * The declared values that {@code failure} of one of {@link #commands()} says the target
     * refuses, at their lines; empty when it is not such a refusal.
     */
    public List<SpecProblem> rejected(ExecException failure) {
      return inSync() ? List.of() : declared.module().rejected(diff.plan(), failure);
    }

    /** The commands that put {@link #live} back, whatever the host looks like now. */
    public List<Command> restoreCommands() {
      ResourceModule<S, P> module = declared.module();
      return module.commands(module.restore(live, declared.state()));
    }

    /** Whether the host, read again, is what {@link #live} was. */
    public boolean restoredOn(Executor executor) throws ExecException {
      ResourceModule<S, P> module = declared.module();
      return module.sameLive(live, module.read(executor, declared.state()));
    }

    public String kind() {
      return declared.module().kind();
    }
  }
}
