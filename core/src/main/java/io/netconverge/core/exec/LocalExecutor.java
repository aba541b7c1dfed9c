package io.netconverge.core.exec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs programs on this machine through commons-exec: the argv goes to the program as it is, stdout
 * and stderr are drained by their own threads (a full pipe never blocks the child), a watchdog
 * kills it at the timeout. The locale is fixed to C so that the tools print what the parsers
 * expect.
 */
public final class LocalExecutor implements Executor {

  private static final Logger LOG = LoggerFactory.getLogger(LocalExecutor.class);

  private static final java.time.Duration STOP_TIMEOUT = java.time.Duration.ofSeconds(5);

  private final Map<String, String> environment;

  public LocalExecutor() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("LC_ALL", "C");
    this.environment = Map.copyOf(env);
  }

  @Override
  public ExecResult run(Command command) throws ExecException {
    CommandLine line = new CommandLine(command.argv().get(0));
    for (String arg : command.argv().subList(1, command.argv().size())) {
      line.addArgument(arg, false);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    InputStream in =
        command.stdin().isEmpty()
            ? null
            : new ByteArrayInputStream(command.stdin().getBytes(StandardCharsets.UTF_8));
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(command.timeout()).get();
    DefaultExecutor executor = DefaultExecutor.builder().get();
    PumpStreamHandler pumps = new PumpStreamHandler(out, err, in);
    // A killed program's own children may still hold its pipes: do not wait for them forever.
    pumps.setStopTimeout(STOP_TIMEOUT);
    executor.setStreamHandler(pumps);
    executor.setWatchdog(watchdog);
    executor.setExitValues(null);
    int exit;
    long started = System.nanoTime();
    try {
      exit = executor.execute(line, environment);
    } catch (ExecuteException e) {
      exit = e.getExitValue();
    } catch (IOException e) {
      LOG.debug("could not run {}: {}", command.display(), e.getMessage());
      throw new ExecException(
          "could not run '" + command.display() + "': " + why(command.argv().get(0), e),
          command.argv(),
          null,
          e);
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "ran {} (stdin {} bytes): exit {} in {} ms{}",
          command.display(),
          command.stdin().length(),
          exit,
          millis,
          exit == 0 || err.size() == 0 ? "" : ": " + err.toString(StandardCharsets.UTF_8).strip());
    }
    ExecResult result =
        new ExecResult(
            exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    if (watchdog.killedProcess()) {
      throw new ExecException(
          "'" + command.display() + "' timed out after " + command.timeout().toSeconds() + "s",
          command.argv(),
          result,
          null);
    }
    return result;
  }

  @Override
  public Process spawn(List<String> argv) throws ExecException {
    ProcessBuilder builder = new ProcessBuilder(argv);
    builder.environment().clear();
    builder.environment().putAll(environment);
    LOG.debug("started {}", Command.of(argv).display());
    try {
      return builder.start();
    } catch (IOException e) {
      throw new ExecException(
          "could not run '" + Command.of(argv).display() + "': " + why(argv.get(0), e),
          argv,
          null,
          e);
    }
  }

  /** A program that is not there is named with its package; other reasons as Java gives them. */
  private String why(String program, IOException e) {
    String message = String.valueOf(e.getMessage());
    return message.contains("error=2,") ? MissingTool.sentence(program, describe()) : message;
  }

  @Override
  public String describe() {
    return "local";
  }
}
