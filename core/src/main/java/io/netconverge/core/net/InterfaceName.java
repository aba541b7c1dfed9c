package io.netconverge.core.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * A Linux network interface name, as netconverge accepts it: 1 to 15 of {@code A-Z a-z 0-9 _ . -},
 * not starting with {@code -} or {@code .}.
 *
 * <p>The kernel ({@code dev_valid_name}) and iproute2 ({@code check_ifname}) accept more: any byte
 * but {@code /}, {@code :} and white space. Each of those extra characters breaks one of the places
 * a name goes: {@code #} ends an {@code ip -batch} line (the rest becomes a comment, and another
 * rule is installed), quotes and {@code \} are parsed by ip's batch reader, nft's and
 * iptables-restore's, {@code +} and {@code *} are wildcards to iptables and nft, {@code $} and
 * {@code `} reach shells on remote hosts, a leading {@code -} reads as an option, and {@code .} is
 * the separator of sysctl names. One definition, checked where a file is read, keeps every field
 * that names an interface safe in all of them.
 */
public record InterfaceName(String name) {

  /** IFNAMSIZ is 16 with the terminating NUL. */
  public static final int MAX_LENGTH = 15;

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]*");

  public InterfaceName {
    String problem = problem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** Why {@code name} is not an interface name, or null when it is one. */
  public static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "an interface name cannot be empty";
    }
    if (name.length() > MAX_LENGTH) {
      return "interface name '"
          + printable(name)
          + "' is "
          + name.length()
          + " characters; Linux allows at most "
          + MAX_LENGTH;
    }
    if (!VALID.matcher(name).matches()) {
      return "'"
          + printable(name)
          + "' is not an interface name: use 1 to 15 of A-Z a-z 0-9 _ . - (not starting with"
          + " '-' or '.'; no white space, quotes, '#', '$', '/', ':', '\\' or wildcards)";
    }
    return null;
  }

  public static boolean isValid(String name) {
    return problem(name) == null;
  }

  /** Control characters shown escaped, so that an error message is one readable line. */
  public static String printable(String text) {
    StringBuilder sb = new StringBuilder();
    text.codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
              } else {
                sb.appendCodePoint(c);
              }
            });
    return sb.toString();
  }

  @JsonCreator
  public static InterfaceName of(String name) {
    return new InterfaceName(name);
  }

  @JsonValue
  @Override
  public String toString() {
    return name;
  }
}
