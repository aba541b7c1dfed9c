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
          "The iproute2 folder whose rt_tables.d and rt_protos.d receive the names of declared"
              + " tables and of the protocol (default: /etc/iproute2).")
  Path namesDir;

  /** The folder given, else {@code fallback}. */
  Path dirOr(Path fallback) {
    return namesDir == null ? fallback : namesDir;
  }

  Converger.Builder applyTo(Converger.Builder builder) {
    return namesDir == null ? builder : builder.namesDir(namesDir);
  }
}
