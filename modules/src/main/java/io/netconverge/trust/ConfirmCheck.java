package io.netconverge.trust;

import io.netconverge.core.engine.Progress;
import io.netconverge.core.engine.Target;
import java.time.Instant;
import java.util.Optional;

/**
 * A check that must pass after the apply, besides a new connection, before {@link ConfirmOrRevert}
 * confirms by itself (e.g. every tracked WAN's probe, {@code WanCheck}).
 */
@FunctionalInterface
public interface ConfirmCheck {

  /** Nothing to check. */
  ConfirmCheck NONE = (target, deadline, progress) -> Optional.empty();

  /**
   * Runs the check on the applied host.
   *
   * @param deadline when it must be done by: well before the reverter restores
   * @param progress where to tell what it does
   * @return empty when the host passed; else what failed, for the report
   */
  Optional<String> problem(Target target, Instant deadline, Progress progress);
}
