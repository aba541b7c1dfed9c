package io.netconverge.core.engine;

import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import java.util.List;

/**
 * One kind of resource: read the live state, diff it against the declared one, apply the
 * difference. The live state is read into the same type {@code S} as the declared one, so that a
 * state read before apply can itself be declared again: that is how a failed apply is restored.
 *
 * @param <S> the state of every resource of this kind that a host state declares
 */
public interface ResourceModule<S> {

  /** Short name for reports: {@code sysctl}, {@code ip-rules}. */
  String kind();

  /**
   * Reads the live state of what {@code declared} covers (and, for owned collections, everything
   * this module owns), in bulk: a constant number of processes whatever the size.
   */
  S read(Executor executor, S declared) throws ExecException;

  /** Pure: one change per resource, OK ones included, in apply order. */
  List<Change> diff(S declared, S live);

  /** Makes the live state the declared one, in as few processes as the tools allow. */
  void apply(Executor executor, S declared, S live, List<Change> changes) throws ExecException;
}
