package io.netconverge.cli;

import io.netconverge.Netconverge;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The file {@code watch} and {@code status} take: a valid HostState with a dualWan profile. The
 * same mistakes get the same exit codes in both: an invalid file 65 (by line), an inventory or a
 * file without WANs 64, as {@code apply --sandbox} does with an inventory.
 */
final class WanFile {

  /** The loaded file, or the exit code when it cannot be used (the reason printed on err). */
  sealed interface Result permits Usable, Refused {}

  record Usable(SpecLoader.Loaded<HostStateSpec> loaded) implements Result {}

  record Refused(int exitCode) implements Result {}

  private WanFile() {}

  static Result load(Path file, String command, PrintWriter err) {
    SpecLoader.Loaded<HostStateSpec> loaded;
    try {
      // Composed once: the kind is checked first, then the same document is bound and checked.
      SpecLoader.Document document =
          Netconverge.loader().document(SpecLoader.read(file), file.toString());
      if (!document.kind().equals("HostState")) {
        err.println(
            "converge: "
                + command
                + " takes a HostState file with dualWan, not "
                + (document.kind().equals("Inventory") ? "an inventory" : "a " + document.kind())
                + ": run it on each router, with its own file");
        return new Refused(ExitCodes.USAGE);
      }
      loaded = Netconverge.loader().bindDocument(document, HostStateSpec.class);
      HostState.fromLoaded(loaded, HostState.defaultNamesDir());
    } catch (InvalidSpecException e) {
      err.println(e.getMessage());
      err.println("converge: " + file + " is not valid; nothing was run");
      return new Refused(ExitCodes.INVALID_FILE);
    }
    if (loaded.spec().dualWan() == null) {
      err.println("converge: " + file + " has no dualWan profile: there are no WANs to " + command);
      return new Refused(ExitCodes.USAGE);
    }
    return new Usable(loaded);
  }
}
