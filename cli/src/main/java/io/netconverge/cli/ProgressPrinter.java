package io.netconverge.cli;

import io.netconverge.core.engine.ConvergeEvent;
import io.netconverge.core.engine.Progress;
import java.io.PrintWriter;

/** Renders the runner's events as the command shows them: one line per step on stderr. */
final class ProgressPrinter implements Progress {

  private final PrintWriter err;

  ProgressPrinter(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void on(ConvergeEvent event) {
    String line = line(event);
    if (line != null) {
      err.println("[" + event.host() + "] " + line);
      err.flush();
    }
  }

  /** The line for an event; null for those the command shows otherwise (start, report). */
  static String line(ConvergeEvent event) {
    if (event instanceof ConvergeEvent.Locking) {
      return "locking";
    }
    if (event instanceof ConvergeEvent.Reading e) {
      return "reading " + e.module();
    }
    if (event instanceof ConvergeEvent.Applying e) {
      return "applying " + e.module();
    }
    if (event instanceof ConvergeEvent.Verifying) {
      return "verifying";
    }
    if (event instanceof ConvergeEvent.Restoring) {
      return "restoring the snapshot";
    }
    if (event instanceof ConvergeEvent.AwaitingConfirm e) {
      return "NOT CONFIRMED: the reverter restores the state read before apply at about "
          + e.revertsAt()
          + " unless `converge confirm` runs before";
    }
    if (event instanceof ConvergeEvent.CheckingConnection) {
      return "checking a new connection";
    }
    if (event instanceof ConvergeEvent.CheckingWans e) {
      return "probing "
          + (e.probing().isEmpty() ? "no WAN" : "WANs " + String.join(", ", e.probing()))
          + (e.notProbed().isEmpty() ? "" : "; not probed: " + String.join(", ", e.notProbed()));
    }
    if (event instanceof ConvergeEvent.WanChecked e) {
      return "WAN "
          + e.wan()
          + (e.passed() ? " passed" : " FAILED")
          + " ("
          + e.rounds()
          + (e.rounds() == 1 ? " round: " : " rounds: ")
          + e.detail()
          + ")";
    }
    if (event instanceof ConvergeEvent.Confirmed) {
      return "confirmed: a new connection works";
    }
    // ConvergeEvent.Persisted: apply --persist says it after the report, as without a timeout.
    return null;
  }
}
