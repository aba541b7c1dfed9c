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
 * @param restored whether a failed apply put the snapshot back, verified by reading the host again
 *     (meaningful when FAILED)
 * @param restoration what the restore after a failed apply did, and what it left different
 */
public record HostReport(
    String host,
    Mode mode,
    Status status,
    List<Change> changes,
    String error,
    boolean restored,
    Restoration restoration) {

  /** What putting the snapshot back after a failed apply achieved. */
  public enum RestoreOutcome {
    /** Nothing was restored: the apply did not fail, or failed before touching the host. */
    NOT_NEEDED,
    /** Read again, every touched module is exactly what the snapshot was. */
    RESTORED,
    /** Read again, some modules differ from the snapshot (or could not be restored or read). */
    INCOMPLETE
  }

  /**
   * @param outcome whether the host is back as it was
   * @param modules the modules (kinds) restored: when INCOMPLETE, those still different
   * @param difference what is still different or failed, in words; empty unless INCOMPLETE
   */
  public record Restoration(RestoreOutcome outcome, List<String> modules, String difference) {

    public static final Restoration NOT_NEEDED =
        new Restoration(RestoreOutcome.NOT_NEEDED, List.of(), "");

    public Restoration {
      modules = List.copyOf(modules);
      difference = difference == null ? "" : difference;
    }
  }

  public HostReport(
      String host, Mode mode, Status status, List<Change> changes, String error, boolean restored) {
    this(
        host,
        mode,
        status,
        changes,
        error,
        restored,
        restored
            ? new Restoration(RestoreOutcome.RESTORED, List.of(), "")
            : Restoration.NOT_NEEDED);
  }

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
    restoration = restoration == null ? Restoration.NOT_NEEDED : restoration;
  }

  public static HostReport failed(
      String host, Mode mode, List<Change> changes, String error, boolean restored) {
    return new HostReport(host, mode, Status.FAILED, changes, error, restored);
  }

  public static HostReport failed(
      String host, Mode mode, List<Change> changes, String error, Restoration restoration) {
    return new HostReport(
        host,
        mode,
        Status.FAILED,
        changes,
        error,
        restoration.outcome() == RestoreOutcome.RESTORED,
        restoration);
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
