package io.netconverge.core.engine;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.spec.SpecProblem;
import java.util.List;

/**
 * One kind of resource. Reading and canonicalizing run on the target; everything else is pure, so
 * that the diff a user is shown is, command for command, what apply runs, and a restore is a plan
 * like any other.
 *
 * <p>The live state is read into the same type {@code S} as the declared one and keeps the form the
 * target's tools printed it in (nft's listing of a table, iptables-save's lines, {@code ip route
 * show}'s lines): a restore replays that form, never a re-canonicalization of it.
 *
 * @param <S> the state of every resource of this kind that a host state declares
 * @param <P> the plan: what converging does, as data
 */
public interface ResourceModule<S, P> {

  /** Short name for reports: {@code sysctl}, {@code ip-rules}. */
  String kind();

  /**
   * Reads the live state of what {@code declared} covers (and, for owned collections, everything
   * this module owns), in bulk: a constant number of processes whatever the size.
   */
  S read(Executor executor, S declared) throws ExecException;

  /**
   * The declared state in the target tool's own canonical form (nft and iptables load it into a
   * throw-away network namespace and read it back). It may depend on what the target runs, so it
   * sees the live state read just before (e.g. the iptables backend in use). Identity by default.
   *
   * @throws DeclarationRejectedException when the target's tool rejects the declaration
   */
  default S canonical(Executor executor, S declared, S live) throws ExecException {
    return declared;
  }

  /**
   * The canonical form of {@code declared} that the target remembers from an earlier run (see
   * {@link io.netconverge.core.exec.CanonicalCache}): the same declaration, tool version and
   * kernel, read without a throw-away namespace; empty when there is none. It is used only to find
   * that nothing changes: when the diff against it is not empty, {@link #canonical} makes the real
   * one, so nothing that reaches the host comes from a remembered form. None by default.
   */
  default java.util.Optional<S> rememberedCanonical(Executor executor, S declared, S live)
      throws ExecException {
    return java.util.Optional.empty();
  }

  /**
   * Pure: one change per resource (OK ones included, in apply order) and the plan that makes them.
   */
  Diff<P> diff(S canonicalDeclared, S live);

  /**
   * Pure: exactly the commands (argv and stdin) that carry out the plan, in order; none for an
   * empty plan. The runner executes them, so it can stop between two, and name the one that failed.
   */
  List<Command> commands(P plan);

  /**
   * Pure: when {@code failure}, the failure of one of {@code plan}'s commands, is the target's tool
   * refusing a value the file declares (not a fault of the host), those values, each at its line
   * and with what the tool said of it (the runner adds only what ran and how it ended); empty
   * otherwise. What a throw-away namespace could not try before (an interface's own key, a target
   * without such a namespace) is refused only by the apply itself: the runner then restores the
   * host and reports the file invalid (exit 65) rather than a failure without a line. None by
   * default.
   */
  default List<SpecProblem> rejected(P plan, ExecException failure) {
    return List.of();
  }

  /**
   * Pure: the plan that puts {@code snapshot} (a state read live) back, by replaying its captured
   * live form. It must work whatever state the host is in now (e.g. after a partial apply of {@code
   * declared}), so it assumes nothing about it.
   */
  P restore(S snapshot, S declared);

  /** Whether two live reads found the same state: how a restore is verified. */
  default boolean sameLive(S a, S b) {
    return a.equals(b);
  }
}
