package io.netconverge.sysctl;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.netconverge.core.net.InterfaceName;
import java.util.regex.Pattern;

/**
 * A sysctl name in dotted form, e.g. {@code net.ipv4.conf.wan0.rp_filter}. As in sysctl(8), a
 * {@code /} inside a part stands for a dot in that part, so a VLAN interface {@code eth0.100} is
 * written {@code net.ipv4.conf.eth0/100.rp_filter}. Anything path-like ({@code ..}, a leading
 * {@code /}, empty parts, white space) is rejected before anything runs.
 */
public record SysctlKey(String name) {

  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_@+\\-]+");

  public SysctlKey {
    check(name);
  }

  @JsonCreator
  public static SysctlKey of(String name) {
    return new SysctlKey(name);
  }

  private static void check(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a sysctl name cannot be empty");
    }
    if (name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("'" + name + "' is not a sysctl name: it has white space");
    }
    String[] parts = name.split("\\.", -1);
    if (parts.length < 2) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a sysctl name: expected dotted parts like net.ipv4.ip_forward");
    }
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (part.isEmpty()) {
        throw new IllegalArgumentException(
            "'" + name + "' is not a sysctl name: it has an empty part");
      }
      // Only an interface part may carry '/', meaning '.', and only between words.
      for (String word : part.split("/", -1)) {
        if (!WORD.matcher(word).matches() || (i == 0 && part.contains("/"))) {
          throw new IllegalArgumentException(
              "'"
                  + name
                  + "' is not a sysctl name: part '"
                  + part
                  + "' (use dotted names like net.ipv4.ip_forward, not paths)");
        }
      }
    }
    interfacePart(parts)
        .ifPresent(
            itf -> {
              String problem = InterfaceName.problem(itf.replace('/', '.'));
              if (problem != null) {
                throw new IllegalArgumentException(
                    "'" + name + "' names an interface that cannot exist: " + problem);
              }
            });
  }

  /**
   * The interface part, in sysctl form ({@code eth0/100}), of {@code net.ipv4.conf.IF.x}, {@code
   * net.ipv6.neigh.IF.x}, {@code net.mpls.conf.IF.x}, ...; {@code all} and {@code default} are not
   * interfaces but are returned too.
   */
  private static java.util.Optional<String> interfacePart(String[] parts) {
    if (parts.length >= 5
        && parts[0].equals("net")
        && (parts[2].equals("conf") || parts[2].equals("neigh"))) {
      return java.util.Optional.of(parts[3]);
    }
    return java.util.Optional.empty();
  }

  /** Where the kernel keeps it. */
  public String procPath() {
    StringBuilder sb = new StringBuilder("/proc/sys");
    for (String part : name.split("\\.")) {
      sb.append('/').append(part.replace('/', '.'));
    }
    return sb.toString();
  }

  /** The interface the key is about ({@code net.ipv4.conf.IF.x}, {@code net.ipv6.neigh.IF.x}). */
  public java.util.Optional<String> interfaceName() {
    String[] parts = name.split("\\.");
    if (parts.length >= 5
        && parts[0].equals("net")
        && (parts[2].equals("conf") || parts[2].equals("neigh"))) {
      String itf = parts[3].replace('/', '.');
      if (!itf.equals("all") && !itf.equals("default") && !itf.equals("lo")) {
        return java.util.Optional.of(itf);
      }
    }
    return java.util.Optional.empty();
  }

  @JsonValue
  @Override
  public String toString() {
    return name;
  }
}
