package io.netconverge.cli;

import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.Target;
import picocli.CommandLine.Option;

/** Where to converge: this machine's current namespace, or a named network namespace. */
final class TargetOptions {

  @Option(
      names = "--netns",
      paramLabel = "NAME",
      description = "Converge the named network namespace (as `ip netns exec NAME` would).")
  String netns;

  Target target() {
    return netns == null ? Host.localhost() : Host.netns(netns);
  }
}
