package io.netconverge.cli;

import io.netconverge.Converger;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where iproute2's name files are written: /etc/iproute2 unless told otherwise. */
final class NamesOptions {

  @Option(
      names = "--names-dir",
      paramLabel = "DIR",
      description =
          "The iproute2 folder for the names of declared tables and of the protocol (default:"
              + " /etc/iproute2): a converge writes them to its rt_tables.d and rt_protos.d,"
              + " made when missing.")
  Path namesDir;

  /**
   * Why the folder given cannot take names on this machine (a host converged here or in one of its
   * namespaces), null when it can or none was given. A folder that does not exist would get no
   * names: it is a usage error, not a silent run without them.
   */
  String localProblem() {
    if (namesDir == null || java.nio.file.Files.isDirectory(namesDir)) {
      return null;
    }
    return "--names-dir "
        + namesDir
        + " does not exist: make it (mkdir -p "
        + namesDir
        + "); it receives rt_tables.d and rt_protos.d";
  }

  /** The folder given, else {@code fallback}. */
  Path dirOr(Path fallback) {
    return namesDir == null ? fallback : namesDir;
  }

  Converger.Builder applyTo(Converger.Builder builder) {
    return namesDir == null ? builder : builder.namesDir(namesDir);
  }
}
