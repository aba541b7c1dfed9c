package io.netconverge.core.testing;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A recording executor for unit tests: answers commands by their argv prefix and records every
 * command with its stdin, so tests assert the exact argv and batch text a module sends.
 */
public final class FakeExecutor implements Executor {

  private final Map<List<String>, Function<Command, ExecResult>> answers = new LinkedHashMap<>();
  private final List<Command> commands = new ArrayList<>();

  /** Answers commands starting with {@code prefix} with exit 0 and this stdout. */
  public FakeExecutor on(List<String> prefix, String stdout) {
    return on(prefix, c -> new ExecResult(0, stdout, ""));
  }

  public FakeExecutor on(List<String> prefix, Function<Command, ExecResult> answer) {
    answers.put(List.copyOf(prefix), answer);
    return this;
  }

  public FakeExecutor fail(List<String> prefix, int exit, String stderr) {
    return on(prefix, c -> new ExecResult(exit, "", stderr));
  }

  @Override
  public synchronized ExecResult run(Command command) throws ExecException {
    commands.add(command);
    List<String> argv = command.argv();
    Function<Command, ExecResult> best = null;
    int bestLength = -1;
    for (var e : answers.entrySet()) {
      List<String> prefix = e.getKey();
      if (prefix.size() <= argv.size()
          && argv.subList(0, prefix.size()).equals(prefix)
          && prefix.size() > bestLength) {
        best = e.getValue();
        bestLength = prefix.size();
      }
    }
    if (best == null) {
      throw new ExecException("FakeExecutor: no answer for '" + command.display() + "'");
    }
    return best.apply(command);
  }

  @Override
  public String describe() {
    return "fake";
  }

  public synchronized List<Command> commands() {
    return List.copyOf(commands);
  }

  public synchronized List<List<String>> argvs() {
    return commands.stream().map(Command::argv).toList();
  }
}
