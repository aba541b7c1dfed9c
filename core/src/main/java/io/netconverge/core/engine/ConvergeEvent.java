package io.netconverge.core.engine;

/**
 * What the runner is doing on one host, as it happens: a front end renders these (the command
 * prints them on stderr), an embedding tool may log them, count them or drive a progress bar. Every
 * event names its host, so the events of a fleet run can be told apart.
 */
public sealed interface ConvergeEvent {

  /** The host's name in reports. */
  String host();

  /** A converge of the host begins (plan or apply). */
  record HostStarted(String host, Mode mode) implements ConvergeEvent {}

  /** Taking the host's converge lock (apply only). */
  record Locking(String host) implements ConvergeEvent {}

  /** Reading one module's live state (e.g. {@code nftables}). */
  record Reading(String host, String module) implements ConvergeEvent {}

  /** Applying one module's changes. */
  record Applying(String host, String module) implements ConvergeEvent {}

  /** Reading everything again to check that nothing is left to change. */
  record Verifying(String host) implements ConvergeEvent {}

  /** An apply failed or was cancelled: putting back the state read before it. */
  record Restoring(String host) implements ConvergeEvent {}

  /**
   * Applied with a reverter armed on the target ({@code confirmTimeout}): unless confirmed, it puts
   * back the state read before apply at about {@code revertsAt}.
   */
  record AwaitingConfirm(String host, java.time.Instant revertsAt) implements ConvergeEvent {}

  /** Checking the way in through a new connection before confirming by itself. */
  record CheckingConnection(String host) implements ConvergeEvent {}

  /**
   * Probing the WANs through the target before confirming by itself: each tracked WAN in {@code
   * probing} until it passes a round or fails as many rounds in a row as its {@code down} says.
   *
   * @param notProbed the other WANs with why (untracked: nothing to probe; pending or tracked down
   *     before the apply: not usable before it either)
   */
  record CheckingWans(String host, java.util.List<String> probing, java.util.List<String> notProbed)
      implements ConvergeEvent {
    public CheckingWans {
      probing = java.util.List.copyOf(probing);
      notProbed = java.util.List.copyOf(notProbed);
    }
  }

  /**
   * One WAN's verdict after {@code rounds} probe rounds through the target.
   *
   * @param detail what the last round saw, e.g. {@code 198.18.0.10 no answer}
   */
  record WanChecked(String host, String wan, boolean passed, int rounds, String detail)
      implements ConvergeEvent {}

  /** The pending reverter was cancelled: the applied state stays. */
  record Confirmed(String host) implements ConvergeEvent {}

  /**
   * The applied file was saved for boot on the target as {@code file} and the boot unit enabled: at
   * the confirm of an apply with a confirm timeout, or at once when it changed nothing.
   */
  record Persisted(String host, String file) implements ConvergeEvent {}

  /** The converge of the host is over; the report says how it went. */
  record HostFinished(String host, HostReport report) implements ConvergeEvent {}
}
