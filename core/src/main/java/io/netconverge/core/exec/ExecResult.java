package io.netconverge.core.exec;

/** What a finished program left: its exit code and both outputs, as text. */
public record ExecResult(int exitCode, String stdout, String stderr) {

  public boolean ok() {
    return exitCode == 0;
  }
}
