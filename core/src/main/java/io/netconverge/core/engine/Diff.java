package io.netconverge.core.engine;

import java.util.List;

/**
 * What a module's diff found: the changes to report, one per resource and OK ones included, and the
 * typed plan that makes exactly them.
 *
 * @param <P> the module's plan type
 */
public record Diff<P>(List<Change> changes, P plan) {

  public Diff {
    changes = List.copyOf(changes);
  }

  /** Nothing to change. */
  public boolean inSync() {
    return changes.stream().noneMatch(Change::changes);
  }
}
