package io.netconverge.core.engine;

import java.time.Instant;
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
 * @param restored whether a failed apply put the snapshot back, verified by reading the host again
 *     (meaningful when FAILED or CANCELLED)
 * @param restoration what the restore after a failed apply did, and what it left different
 * @param pendingParts what this converge left out because the host cannot take it yet (a WAN that
 *     is down, missing or without its gateway); empty for a host state without such parts
 * @param confirmBy an apply armed with a reverter ({@code --confirm-timeout}) that is in force but
 *     not confirmed yet: unless {@code converge confirm} runs before this time, the reverter on the
 *     host restores the state read before it; empty otherwise
 */
public record HostReport(
    String host,
    Mode mode,
    Status status,
    List<Change> changes,
    Optional<Failure> failure,
    boolean restored,
    Restoration restoration,
    List<PendingPart> pendingParts,
    Optional<Instant> confirmBy) {

  /** What putting the snapshot back after a failed apply achieved. */
  public enum RestoreOutcome {
    /** Nothing was restored: the apply did not fail, or failed before touching the host. */
    NOT_NEEDED,
    /** Read again, every touched module is exactly what the snapshot was. */
    RESTORED,
    /** Read again, some modules differ from the snapshot (or could not be restored or read). */
    INCOMPLETE,
    /**
     * The controller did not put the snapshot back (it lost the host, its own restore was
     * incomplete, or an apply was not confirmed): the reverter armed on the target does, at about
     * {@link Restoration#revertsAt()}. Not verified from here.
     */
    PENDING
  }

  /**
   * @param outcome whether the host is back as it was
   * @param modules the modules (kinds) restored: when INCOMPLETE or PENDING, those not verified
   * @param difference what is still different or failed, in words; empty when nothing is known to
   *     be
   * @param revertsAt when PENDING: about when the target's reverter restores the snapshot
   */
  public record Restoration(
      RestoreOutcome outcome,
      List<String> modules,
      String difference,
      Optional<Instant> revertsAt) {

    public static final Restoration NOT_NEEDED =
        new Restoration(RestoreOutcome.NOT_NEEDED, List.of(), "");

    public Restoration {
      Objects.requireNonNull(outcome, "outcome");
      modules = List.copyOf(modules);
      difference = difference == null ? "" : difference;
      revertsAt = Objects.requireNonNullElse(revertsAt, Optional.empty());
    }

    public Restoration(RestoreOutcome outcome, List<String> modules, String difference) {
      this(outcome, modules, difference, Optional.empty());
    }

    /** The restore is left to the target's reverter, due at about {@code at}. */
    public static Restoration pending(List<String> modules, String difference, Instant at) {
      return new Restoration(RestoreOutcome.PENDING, modules, difference, Optional.of(at));
    }

    /**
     * Whether the host changed and the state read before apply is not known to be back: the restore
     * was incomplete, or is left to the target's reverter.
     */
    public boolean unverified() {
      return outcome == RestoreOutcome.INCOMPLETE || outcome == RestoreOutcome.PENDING;
    }
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
    /**
     * The target's tools rejected the declaration (see the failure): nothing was changed, or (a
     * value refused only by the apply itself) what was changed is restored, verified.
     */
    INVALID,
    /**
     * The run was cancelled before it was done: it stopped before its next step, and an apply that
     * had begun put the snapshot back (see {@link #restoration()}).
     */
    CANCELLED
  }

  public HostReport {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(status, "status");
    changes = List.copyOf(changes);
    Objects.requireNonNull(failure, "failure");
    restoration = restoration == null ? Restoration.NOT_NEEDED : restoration;
    pendingParts = List.copyOf(pendingParts);
    Objects.requireNonNull(confirmBy, "confirmBy");
  }

  /** A report that awaits no confirm. */
  public HostReport(
      String host,
      Mode mode,
      Status status,
      List<Change> changes,
      Optional<Failure> failure,
      boolean restored,
      Restoration restoration,
      List<PendingPart> pendingParts) {
    this(
        host,
        mode,
        status,
        changes,
        failure,
        restored,
        restoration,
        pendingParts,
        Optional.empty());
  }

  /** A report without pending parts. */
  public HostReport(
      String host,
      Mode mode,
      Status status,
      List<Change> changes,
      Optional<Failure> failure,
      boolean restored,
      Restoration restoration) {
    this(host, mode, status, changes, failure, restored, restoration, List.of());
  }

  /** This report with the parts the converge left out for now. */
  public HostReport withPendingParts(List<PendingPart> parts) {
    return with(parts, confirmBy);
  }

  /** This applied report, in force until {@code deadline} unless confirmed. */
  public HostReport awaitingConfirm(Instant deadline) {
    return with(pendingParts, Optional.of(deadline));
  }

  /** Confirmed (or never armed): nothing reverts it. */
  public HostReport confirmed() {
    return with(pendingParts, Optional.empty());
  }

  private HostReport with(List<PendingPart> parts, Optional<Instant> confirm) {
    return new HostReport(
        host, mode, status, changes, failure, restored, restoration, parts, confirm);
  }

  /**
   * Whether the host converged as far as it can while some part waits for the host: the run
   * succeeded (nothing to do, or changes made or planned) and parts are pending. An apply that ends
   * so exits 3 from the command.
   */
  public boolean degraded() {
    return (status == Status.OK || status == Status.CHANGED) && !pendingParts.isEmpty();
  }

  /** A host that needs no change (OK) or has changes (CHANGED), without a failure. */
  public static HostReport of(String host, Mode mode, Status status, List<Change> changes) {
    return new HostReport(
        host, mode, status, changes, Optional.empty(), false, Restoration.NOT_NEEDED);
  }

  /** A failure before anything was touched: nothing to restore. */
  public static HostReport failed(String host, Mode mode, List<Change> changes, Failure failure) {
    return failed(host, mode, changes, failure, Restoration.NOT_NEEDED);
  }

  public static HostReport failed(
      String host, Mode mode, List<Change> changes, Failure failure, Restoration restoration) {
    return ended(Status.FAILED, host, mode, changes, failure, restoration);
  }

  /** FAILED or CANCELLED, with what the restore that followed did. */
  static HostReport ended(
      Status status,
      String host,
      Mode mode,
      List<Change> changes,
      Failure failure,
      Restoration restoration) {
    return new HostReport(
        host,
        mode,
        status,
        changes,
        Optional.of(failure),
        restoration.outcome() == RestoreOutcome.RESTORED,
        restoration);
  }

  /**
   * The target's tool refused a value of the file during apply: the host was restored (verified),
   * so nothing is left changed, and the file is invalid for this target.
   *
   * @param failure the located problems, and what the tool said
   */
  static HostReport invalid(
      String host, Mode mode, List<Change> changes, Failure failure, Restoration restoration) {
    return new HostReport(
        host, mode, Status.INVALID, changes, Optional.of(failure), true, restoration);
  }

  public static HostReport invalid(
      String host, Mode mode, String module, DeclarationRejectedException e) {
    return new HostReport(
        host,
        mode,
        Status.INVALID,
        List.of(),
        Optional.of(Failure.of(module, e)),
        false,
        Restoration.NOT_NEEDED);
  }

  /**
   * Whether this apply failed (or was cancelled) after changing the host, and the state read before
   * it could not be put back and verified from here: the restore was incomplete, or the host was
   * lost and its reverter restores it later (see {@link #restoration()}). The command's exit 4.
   */
  public boolean restoreUnverified() {
    return (status == Status.FAILED || status == Status.CANCELLED) && restoration.unverified();
  }

  /** What failed, in one sentence for humans; null when nothing did. */
  public String error() {
    return failure.map(Failure::message).orElse(null);
  }

  /** Resources found as declared: nothing to do for them. */
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

  /**
   * Resources that failed to converge: the pending changes of a failed host, at least one; none for
   * a host cancelled before anything of it was read (a host of a fleet that was never run is not a
   * failure of its own: its error says why it was not run).
   */
  public long failed() {
    if (!unsuccessful() || (status == Status.CANCELLED && changes.isEmpty())) {
      return 0;
    }
    return Math.max(1, changes.stream().filter(Change::changes).count());
  }

  /**
   * The changes that do something (not the ones found as declared): what a plan would make, what an
   * apply made. Not {@link #pendingParts()}, the parts of a WAN left out until it is ready.
   */
  public List<Change> pending() {
    return changes.stream().filter(Change::changes).toList();
  }
}
