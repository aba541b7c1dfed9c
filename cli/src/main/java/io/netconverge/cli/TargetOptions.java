package io.netconverge.cli;

import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.NetnsExecutor;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Where to converge: this machine's current namespace, or a named network namespace. */
final class TargetOptions {

  @Option(
      names = "--netns",
      paramLabel = "NAME",
      converter = TargetOptions.NetnsName.class,
      description =
          "Work on the named network namespace instead of this one (as `ip netns exec NAME`"
              + " would).")
  String netns;

  /** A namespace name is checked when the command line is read: a usage error (64). */
  static final class NetnsName implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String problem = NetnsExecutor.nameProblem(value);
      if (problem != null) {
        throw new CommandLine.TypeConversionException(problem);
      }
      return value;
    }
  }

  Target target() {
    return netns == null ? Host.localhost() : Host.netns(netns);
  }
}
