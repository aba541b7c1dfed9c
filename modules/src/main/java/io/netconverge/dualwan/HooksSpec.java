package io.netconverge.dualwan;

import io.netconverge.core.spec.SpecViolation;
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
    down = down == null ? List.of() : down.stream().map(List::copyOf).toList();
    up = up == null ? List.of() : up.stream().map(List::copyOf).toList();
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
      if (argv.get(0).contains("=")) {
        throw new SpecViolation(
            at + "[" + i + "]", "the program '" + argv.get(0) + "' contains '=': name it by path");
      }
      for (String arg : argv) {
        if (arg == null || arg.indexOf('\0') >= 0) {
          throw new SpecViolation(at + "[" + i + "]", "an argument contains a NUL character");
        }
      }
    }
  }
}
