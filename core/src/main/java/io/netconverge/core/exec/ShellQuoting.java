package io.netconverge.core.exec;

import java.util.List;
import java.util.regex.Pattern;

/** Quoting for a POSIX shell: what the remote side of ssh parses, and readable messages. */
public final class ShellQuoting {

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  private ShellQuoting() {}

  /** Single-quotes every argument, so that the shell passes it through as one literal word. */
  public static String quote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  public static String quoteIfNeeded(String arg) {
    return SAFE.matcher(arg).matches() ? arg : quote(arg);
  }

  /** One shell command line whose words are exactly {@code argv}. */
  public static String join(List<String> argv) {
    StringBuilder sb = new StringBuilder();
    for (String arg : argv) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(quoteIfNeeded(arg));
    }
    return sb.toString();
  }
}
