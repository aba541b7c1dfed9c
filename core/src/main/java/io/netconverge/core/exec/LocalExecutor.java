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

/**
 * Runs programs on this machine through commons-exec: the argv goes to the program as it is, stdout
 * and stderr are drained by their own threads (a full pipe never blocks the child), a watchdog
 * kills it at the timeout. The locale is fixed to C so that the tools print what the parsers
 * expect.
 */
public final class LocalExecutor implements Executor {

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
    try {
      exit = executor.execute(line, environment);
    } catch (ExecuteException e) {
      exit = e.getExitValue();
    } catch (IOException e) {
      throw new ExecException(
          "could not run '" + command.display() + "': " + e.getMessage(), null, e);
    }
    ExecResult result =
        new ExecResult(
            exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    if (watchdog.killedProcess()) {
      throw new ExecException(
          "'" + command.display() + "' timed out after " + command.timeout().toSeconds() + "s",
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
    try {
      return builder.start();
    } catch (IOException e) {
      throw new ExecException(
          "could not run '" + Command.of(argv).display() + "': " + e.getMessage(), null, e);
    }
  }

  @Override
  public String describe() {
    return "local";
  }
}
