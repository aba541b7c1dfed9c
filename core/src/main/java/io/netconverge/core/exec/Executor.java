package io.netconverge.core.exec;

import java.time.Duration;
import java.util.List;

/**
 * Runs one program on a target host: an argv (never a shell command line), optional stdin, a
 * timeout, both outputs captured. Implementations decide where it runs: here, in a network
 * namespace, over ssh, in a container.
 */
public interface Executor {

  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Runs the command and returns its result whatever its exit code; throws only when the command
   * could not be started or ran past its timeout.
   */
  ExecResult run(Command command) throws ExecException;

  /**
   * Starts a program on the target and returns while it runs; the caller talks to it through its
   * streams and ends it by closing its stdin. This is how something is held on the target for as
   * long as a converge runs (the host's lock): when this process dies for any reason, the pipe
   * closes and the target side ends too.
   */
  default Process spawn(List<String> argv) throws ExecException {
    throw new ExecException(describe() + " cannot keep a program running");
  }

  /** A name for messages: {@code local}, {@code netns nc-test}, {@code ssh router1}. */
  String describe();

  /**
   * Why the target itself could not be reached, when that is what a program's exit code and stderr
   * say (the namespace, the container or the ssh connection is not there), in a sentence; empty
   * when they are the program's own. For what ran through {@link #spawn}, which does not check.
   */
  default java.util.Optional<String> unreachable(int exitCode, String stderr) {
    return java.util.Optional.empty();
  }

  /** Runs the command and requires exit code 0. */
  default ExecResult check(Command command) throws ExecException {
    ExecResult result = run(command);
    if (result.exitCode() != 0) {
      throw ExecException.failed(this, command, result);
    }
    return result;
  }

  default ExecResult check(String... argv) throws ExecException {
    return check(Command.of(argv));
  }
}
