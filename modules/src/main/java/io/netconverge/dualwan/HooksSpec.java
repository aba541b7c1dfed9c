package io.netconverge.dualwan;

import io.netconverge.core.spec.SpecViolation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Commands run on the router when a WAN's health changes, each an argv (no shell): {@code hooks:
 * {down: [[/usr/local/bin/notify, isp1, down]], up: [[...]]}}. They run with the environment
 * variables {@code NETCONVERGE_WAN}, {@code NETCONVERGE_INTERFACE}, {@code NETCONVERGE_EVENT}
 * ({@code up} or {@code down}), {@code NETCONVERGE_MARK} and {@code NETCONVERGE_TABLE}, after the
 * converge that follows the transition.
 *
 * @param down commands run when the WAN goes down
 * @param up commands run when it comes back up
 */
public record HooksSpec(List<List<String>> down, List<List<String>> up) {

  public HooksSpec {
    down = copy(down);
    up = copy(up);
  }

  /** A copy that keeps a file's empty entries ({@code ~}), so that validation names them. */
  private static List<List<String>> copy(List<List<String>> commands) {
    if (commands == null) {
      return List.of();
    }
    List<List<String>> copy = new ArrayList<>();
    for (List<String> argv : commands) {
      copy.add(argv == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(argv)));
    }
    return Collections.unmodifiableList(copy);
  }

  void validate(String at) {
    check(at + ".down", down);
    check(at + ".up", up);
  }

  private static void check(String at, List<List<String>> commands) {
    for (int i = 0; i < commands.size(); i++) {
      List<String> argv = commands.get(i);
      if (argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
        throw new SpecViolation(
            at + "[" + i + "]",
            "an empty command; write an argv, e.g. [/usr/bin/logger, wan down]");
      }
      for (String arg : argv) {
        if (arg == null) {
          throw new SpecViolation(at + "[" + i + "]", "an empty argument; quote it: \"\"");
        }
        if (arg.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
          throw new SpecViolation(
              at + "[" + i + "]",
              "an argument contains a line break or another control character; each argument is"
                  + " one line of text");
        }
      }
      String program = argv.get(0);
      // Absolute: no search of a PATH that whoever starts watch controls; no '=', which env would
      // take for a variable; nothing that starts like an option.
      if (!program.startsWith("/")
          || program.contains("=")
          || program.contains("/../")
          || program.endsWith("/..")
          || program.endsWith("/")) {
        throw new SpecViolation(
            at + "[" + i + "]",
            "the program '"
                + program
                + "' is not an absolute path to a program; name it from /, e.g. /usr/bin/logger");
      }
    }
  }
}
