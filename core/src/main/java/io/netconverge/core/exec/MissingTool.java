package io.netconverge.core.exec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognizes a program that is not installed on a target, from what a shell, {@code env}, {@code
 * unshare} or {@code docker exec} says about it, and names the Debian package that brings it: a
 * fresh machine should get a sentence it can act on, not {@code sh: 1: nft: not found}.
 */
public final class MissingTool {

  /** Programs netconverge runs on a target, by the Debian package that ships them. */
  static final Map<String, String> PACKAGES =
      Map.ofEntries(
          Map.entry("nft", "nftables"),
          Map.entry("iptables", "iptables"),
          Map.entry("iptables-save", "iptables"),
          Map.entry("iptables-restore", "iptables"),
          Map.entry("ip6tables", "iptables"),
          Map.entry("ip6tables-save", "iptables"),
          Map.entry("ip6tables-restore", "iptables"),
          Map.entry("iptables-legacy", "iptables"),
          Map.entry("iptables-legacy-save", "iptables"),
          Map.entry("iptables-nft-save", "iptables"),
          Map.entry("ip", "iproute2"),
          Map.entry("unshare", "util-linux"),
          Map.entry("flock", "util-linux"),
          Map.entry("sysctl", "procps"),
          Map.entry("grep", "grep"),
          Map.entry("readlink", "coreutils"),
          Map.entry("cat", "coreutils"),
          Map.entry("ssh", "openssh-client"),
          Map.entry("docker", "docker.io"));

  private static final List<Pattern> NOT_FOUND =
      List.of(
          // dash: "sh: 1: nft: not found"; bash: "bash: line 1: nft: command not found"
          Pattern.compile("(?m)^\\S*sh: (?:line )?\\d+: ([\\w.+-]+): (?:command )?not found"),
          Pattern.compile("(?m)^\\S*sh: ([\\w.+-]+): (?:command )?not found"),
          // env, unshare, nsenter, ip netns exec: "...: failed to execute nft: No such file..."
          Pattern.compile(
              "(?:failed to execute|exec of) \"?([\\w.+-]+)\"?(?: failed)?: No such file"),
          Pattern.compile("(?m)^[\\w.-]+: '?([\\w.+-]+)'?: No such file or directory"),
          // docker exec: exec: "nft": executable file not found in $PATH
          Pattern.compile("exec: \"([\\w.+-]+)\": executable file not found"));

  private MissingTool() {}

  /** The program that was not found, when that is what the output says. */
  public static Optional<String> in(int exitCode, String stderr) {
    if (exitCode != 127 && exitCode != 126 && exitCode != 1 && exitCode != 255) {
      return Optional.empty();
    }
    for (Pattern p : NOT_FOUND) {
      Matcher m = p.matcher(stderr);
      if (m.find()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /** A sentence for a missing program on a target: what to install, and how. */
  public static String sentence(String program, String target) {
    String pkg = PACKAGES.get(program);
    return program
        + " is not installed on "
        + target
        + (pkg == null
            ? ""
            : ": install the Debian package " + pkg + " (apt-get install " + pkg + ")");
  }
}
