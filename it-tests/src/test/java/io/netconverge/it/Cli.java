package io.netconverge.it;

import io.netconverge.cli.ConvergeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the `converge` command in-process, capturing its exit code and output. */
public record Cli(int exitCode, String out, String err) {

  public static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ConvergeCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Cli(code, out.toString(), err.toString());
  }

  /** The repository root, where inventory-examples/ and bin/ are. */
  public static Path root() {
    return Path.of(System.getProperty("netconverge.root", "..")).toAbsolutePath().normalize();
  }

  public static String example(String file) {
    return root().resolve("inventory-examples").resolve(file).toString();
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
