package io.netconverge.core.engine;

import java.util.List;

/**
 * What converging one host did (or, in plan mode, would do).
 *
 * @param host the target's name
 * @param mode plan or apply
 * @param status the outcome
 * @param changes one entry per resource, in apply order, OK ones included
 * @param error what failed, null when nothing did
 * @param restored whether a failed apply put the snapshot back (meaningful when FAILED)
 */
public record HostReport(
    String host, Mode mode, Status status, List<Change> changes, String error, boolean restored) {

  public enum Status {
    /** Everything was already as declared. */
    OK,
    /** Plan: changes are needed. Apply: changes were made and verified. */
    CHANGED,
    /** A read, an apply or the verification failed. */
    FAILED,
    /** Another converge holds the host's lock; nothing was read or changed. */
    LOCKED,
    /** The target's tools rejected the declaration (see the error); nothing was changed. */
    INVALID
  }

  public HostReport {
    changes = List.copyOf(changes);
  }

  public static HostReport failed(
      String host, Mode mode, List<Change> changes, String error, boolean restored) {
    return new HostReport(host, mode, Status.FAILED, changes, error, restored);
  }

  public static HostReport invalid(String host, Mode mode, DeclarationRejectedException e) {
    return new HostReport(host, mode, Status.INVALID, List.of(), e.getMessage(), false);
  }

  public long ok() {
    return changes.stream().filter(c -> !c.changes()).count();
  }

  /** Resources that changed (apply) or would change (plan); none when the apply failed. */
  public long changed() {
    return status == Status.FAILED || status == Status.LOCKED || status == Status.INVALID
        ? 0
        : changes.stream().filter(Change::changes).count();
  }

  /** Resources that failed to converge: the pending changes of a failed host, at least one. */
  public long failed() {
    if (status != Status.FAILED && status != Status.LOCKED && status != Status.INVALID) {
      return 0;
    }
    return Math.max(1, changes.stream().filter(Change::changes).count());
  }

  public List<Change> pending() {
    return changes.stream().filter(Change::changes).toList();
  }
}
