package io.netconverge.core.engine;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Something on the target that puts the snapshot back by itself unless it is told not to: the
 * runner arms it under the lock, after the snapshot is read and before the first command changes
 * anything, so that it covers a change that cuts the controller off in the middle of the apply too.
 */
public interface Safeguard {

  /**
   * The exit of a safeguard's program that refuses on purpose (an earlier apply awaits its
   * confirm): its stderr is then the whole reason, and the runner reports it as it stands.
   */
  int REFUSED = 3;

  Safeguard NONE =
      new Safeguard() {
        @Override
        public void arm(Executor executor, List<Command> restore) {}

        @Override
        public void disarm(Executor executor) {}
      };

  /**
   * Saves {@code restore} on the target and starts what runs it unless disarmed in time.
   *
   * @param restore the commands that put the snapshot back, in the order to run them
   */
  void arm(Executor executor, List<Command> restore) throws ExecException;

  /** Called when the runner itself restored the snapshot (verified), so nothing is left to undo. */
  void disarm(Executor executor) throws ExecException;

  /**
   * Once armed: about when it puts the snapshot back by itself, unless disarmed or confirmed. Empty
   * when it was not armed (or does not restore by itself).
   */
  default Optional<Instant> restoresAt() {
    return Optional.empty();
  }
}
