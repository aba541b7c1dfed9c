package io.netconverge.core.engine;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What converging one host did (or, in plan mode, would do).
 *
 * @param host the target's name
 * @param mode plan or apply
 * @param status the outcome
 * @param changes one entry per resource, in apply order, OK ones included
 * @param failure what failed, as data; empty when nothing did
 * @param restored whether a failed apply put the snapshot back (meaningful when FAILED)
 */
public record HostReport(
    String host,
    Mode mode,
    Status status,
    List<Change> changes,
    Optional<Failure> failure,
    boolean restored) {

  public enum Status {
    /** Everything was already as declared. */
    OK,
    /** Plan: changes are needed. Apply: changes were made and verified. */
    CHANGED,
    /** A read, an apply or the verification failed. */
    FAILED,
    /** Another converge holds the host's lock; nothing was read or changed. */
    LOCKED,
    /** The target's tools rejected the declaration (see the failure); nothing was changed. */
    INVALID,
    /**
     * The run was cancelled before it was done: it stopped before its next step, and an apply that
     * had begun put the snapshot back (see {@link #restored()}).
     */
    CANCELLED
  }

  public HostReport {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(status, "status");
    changes = List.copyOf(changes);
    Objects.requireNonNull(failure, "failure");
  }

  /** A host that needs no change (OK) or has changes (CHANGED), without a failure. */
  public static HostReport of(String host, Mode mode, Status status, List<Change> changes) {
    return new HostReport(host, mode, status, changes, Optional.empty(), false);
  }

  public static HostReport failed(
      String host, Mode mode, List<Change> changes, Failure failure, boolean restored) {
    return new HostReport(host, mode, Status.FAILED, changes, Optional.of(failure), restored);
  }

  public static HostReport invalid(
      String host, Mode mode, String module, DeclarationRejectedException e) {
    return new HostReport(
        host, mode, Status.INVALID, List.of(), Optional.of(Failure.of(module, e)), false);
  }

  /** What failed, in one sentence for humans; null when nothing did. */
  public String error() {
    return failure.map(Failure::message).orElse(null);
  }

  public long ok() {
    return changes.stream().filter(c -> !c.changes()).count();
  }

  private boolean unsuccessful() {
    return status == Status.FAILED
        || status == Status.LOCKED
        || status == Status.INVALID
        || status == Status.CANCELLED;
  }

  /** Resources that changed (apply) or would change (plan); none when the apply failed. */
  public long changed() {
    return unsuccessful() ? 0 : changes.stream().filter(Change::changes).count();
  }

  /** Resources that failed to converge: the pending changes of a failed host, at least one. */
  public long failed() {
    if (!unsuccessful()) {
      return 0;
    }
    return Math.max(1, changes.stream().filter(Change::changes).count());
  }

  public List<Change> pending() {
    return changes.stream().filter(Change::changes).toList();
  }
}
