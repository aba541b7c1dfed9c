package io.netconverge.core.exec;

import java.time.Duration;

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

  /** A name for messages: {@code local}, {@code netns nc-test}, {@code ssh router1}. */
  String describe();

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
