package io.netconverge.core.exec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Where and how to reach a host with the OpenSSH client. Everything left out comes from the user's
 * ssh configuration ({@code ~/.ssh/config}, or {@code configFile}), as a plain {@code ssh HOST}
 * would use it: users, keys, agents, jump hosts and known_hosts keep working.
 *
 * @param host a host name, an address or a {@code Host} alias of the ssh configuration
 * @param user the remote user ({@code -l}); empty: the configuration's
 * @param port the remote port ({@code -p}); empty: the configuration's
 * @param configFile an ssh configuration used instead of {@code ~/.ssh/config} ({@code -F})
 * @param options {@code -o} options; they take precedence over netconverge's own defaults
 */
public record SshConnection(
    String host,
    Optional<String> user,
    OptionalInt port,
    Optional<Path> configFile,
    Map<String, String> options) {

  // A leading '-' would make ssh read the name as an option.
  private static final Pattern NAME =
      Pattern.compile("[A-Za-z0-9_.:%\\[\\]][A-Za-z0-9_.:%@\\-\\[\\]]*");
  private static final Pattern OPTION = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

  public SshConnection {
    Objects.requireNonNull(host, "host");
    if (!NAME.matcher(host).matches()) {
      throw new IllegalArgumentException("'" + host + "' is not an ssh host name or address");
    }
    user = Objects.requireNonNullElse(user, Optional.empty());
    if (user.isPresent() && !NAME.matcher(user.get()).matches()) {
      throw new IllegalArgumentException("'" + user.get() + "' is not a user name");
    }
    port = Objects.requireNonNullElse(port, OptionalInt.empty());
    if (port.isPresent() && (port.getAsInt() < 1 || port.getAsInt() > 65535)) {
      throw new IllegalArgumentException("port " + port.getAsInt() + " is not in 1..65535");
    }
    configFile = Objects.requireNonNullElse(configFile, Optional.empty());
    options = new LinkedHashMap<>(Objects.requireNonNullElse(options, Map.of()));
    for (var e : options.entrySet()) {
      if (!OPTION.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException("'" + e.getKey() + "' is not an ssh option name");
      }
      if (e.getValue() == null || e.getValue().contains("\n")) {
        throw new IllegalArgumentException("ssh option " + e.getKey() + " needs a one-line value");
      }
    }
    options = java.util.Collections.unmodifiableMap(options);
  }

  public static SshConnection to(String host) {
    return new SshConnection(
        host, Optional.empty(), OptionalInt.empty(), Optional.empty(), Map.of());
  }

  /** {@code user@host:port} as far as known, for messages. */
  public String display() {
    return user.map(u -> u + "@").orElse("")
        + host
        + (port.isPresent() ? ":" + port.getAsInt() : "");
  }
}
