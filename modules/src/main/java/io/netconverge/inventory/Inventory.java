package io.netconverge.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.netconverge.core.exec.SshConnection;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.inventory.InventorySpec.GroupSpec;
import io.netconverge.inventory.InventorySpec.HostSpec;
import io.netconverge.inventory.InventorySpec.SshSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The hosts of an inventory file, in file order: group hosts first, group by group, then hosts of
 * no group. Loading checks everything before any host is touched: the inventory, and every host
 * state it names or holds; problems name the file they are in (a referenced host state file is
 * named itself), the line and the field.
 */
public record Inventory(Path file, List<InventoryHost> hosts) {

  public Inventory {
    hosts = List.copyOf(hosts);
  }

  public static Inventory load(SpecLoader loader, Path file) throws InvalidSpecException {
    return load(loader, file, HostState.defaultNamesDir());
  }

  /**
   * @param namesDir the iproute2 folder every host state's table and protocol names go to
   */
  public static Inventory load(SpecLoader loader, Path file, Path namesDir)
      throws InvalidSpecException {
    String text = SpecLoader.read(file);
    String source = file.toString();
    InventorySpec spec = loader.parse(text, source, InventorySpec.class);
    return new Builder(loader, file, text, namesDir).build(spec);
  }

  /**
   * The hosts named, or those of the groups named, in inventory order.
   *
   * @throws IllegalArgumentException naming what is neither a host nor a group of this inventory
   */
  public List<InventoryHost> select(List<String> names) {
    Set<String> known = new LinkedHashSet<>();
    hosts.forEach(h -> known.add(h.name()));
    hosts.forEach(h -> h.group().ifPresent(known::add));
    if (names.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("an empty host or group name in --limit");
    }
    List<String> unknown = names.stream().filter(n -> !known.contains(n)).toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "no host or group named "
              + String.join(", ", unknown)
              + " in "
              + file
              + " (it has: "
              + String.join(", ", known)
              + ")");
    }
    return hosts.stream()
        .filter(h -> names.contains(h.name()) || h.group().map(names::contains).orElse(false))
        .toList();
  }

  private static final class Builder {
    private final SpecLoader loader;
    private final Path file;
    private final String text;
    private final List<SpecProblem> problems = new ArrayList<>();
    private final Map<Path, Optional<HostState>> files = new HashMap<>();
    private final Path namesDir;

    Builder(SpecLoader loader, Path file, String text, Path namesDir) {
      this.loader = loader;
      this.file = file;
      this.text = text;
      this.namesDir = namesDir;
    }

    Inventory build(InventorySpec spec) throws InvalidSpecException {
      List<InventoryHost> hosts = new ArrayList<>();
      for (int g = 0; g < spec.groups().size(); g++) {
        GroupSpec group = spec.groups().get(g);
        for (int h = 0; h < group.hosts().size(); h++) {
          host(
                  group.hosts().get(h),
                  "groups[" + g + "].hosts[" + h + "]",
                  group,
                  "groups[" + g + "]")
              .ifPresent(hosts::add);
        }
      }
      for (int h = 0; h < spec.hosts().size(); h++) {
        host(spec.hosts().get(h), "hosts[" + h + "]", null, null).ifPresent(hosts::add);
      }
      if (!problems.isEmpty()) {
        throw new InvalidSpecException(problems);
      }
      return new Inventory(file, hosts);
    }

    private Optional<InventoryHost> host(HostSpec host, String at, GroupSpec group, String groupAt)
        throws InvalidSpecException {
      Optional<Connection> connection =
          host.connections() > 0
              ? connection(host, host, at, group)
              : connection(group.defaults(), host, groupAt, group);
      Optional<HostState> state =
          host.hostState() != null
              ? state(host.hostState(), at + ".hostState")
              : state(group.hostState(), groupAt + ".hostState");
      if (connection.isEmpty() || state.isEmpty()) {
        return Optional.empty();
      }
      if (connection.get() instanceof Connection.Netns) {
        // A namespace host never writes a sysctl of the whole machine.
        JsonNode node = host.hostState() != null ? host.hostState() : group.hostState();
        String path = (host.hostState() != null ? at : groupAt) + ".hostState";
        List<SpecProblem> scope =
            node.isObject()
                ? state.get().namespaceTargetProblems(text, file.toString(), path + ".")
                : namespaceProblemsOfFile(state.get(), node.asText());
        if (!scope.isEmpty()) {
          problems.addAll(scope);
          return Optional.empty();
        }
      }
      return Optional.of(
          new InventoryHost(
              host.name(),
              Optional.ofNullable(group).map(GroupSpec::name),
              connection.get(),
              state.get()));
    }

    private Optional<Connection> connection(
        HostSpec spec, HostSpec host, String at, GroupSpec group) throws InvalidSpecException {
      if (spec.local() != null) {
        return Optional.of(new Connection.Local());
      }
      if (spec.netns() != null) {
        return Optional.of(new Connection.Netns(spec.netns()));
      }
      if (spec.docker() != null) {
        String container =
            spec.docker().container() != null ? spec.docker().container() : host.name();
        return Optional.of(new Connection.Docker(container));
      }
      SshSpec ssh = spec.ssh();
      if (ssh != null && group != null && spec == host && group.ssh() != null) {
        ssh = ssh.over(group.ssh());
      }
      Optional<Path> config =
          Optional.ofNullable(ssh.configFile()).map(f -> file.toAbsolutePath().resolveSibling(f));
      if (config.isPresent() && !Files.isRegularFile(config.get())) {
        problem(at + ".ssh.configFile", "no such file: " + config.get());
        return Optional.empty();
      }
      if (config.isPresent() && !ssh.localCommandsAllowed()) {
        String refused = localCommandLine(config.get());
        if (refused != null) {
          problem(at + ".ssh.configFile", refused);
          return Optional.empty();
        }
      }
      Map<String, String> options = new java.util.LinkedHashMap<>();
      if (ssh.options() != null) {
        options.putAll(ssh.options());
      }
      if (ssh.proxyJump() != null) {
        options.put("ProxyJump", ssh.proxyJump());
      }
      try {
        return Optional.of(
            new Connection.Ssh(
                new SshConnection(
                    ssh.host() != null ? ssh.host() : host.name(),
                    Optional.ofNullable(ssh.user()),
                    ssh.port() == null ? OptionalInt.empty() : OptionalInt.of(ssh.port()),
                    config,
                    options)));
      } catch (IllegalArgumentException e) {
        problem(at + ".ssh", e.getMessage());
        return Optional.empty();
      }
    }

    /**
     * The first line of an ssh configuration that would run a program on this machine, as a
     * problem; null when there is none. Checked as ssh reads it: keyword, then '=' or blanks.
     */
    private static String localCommandLine(Path config) throws InvalidSpecException {
      String text = SpecLoader.read(config);
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String keyword = line.split("[\\s=]", 2)[0].toLowerCase(java.util.Locale.ROOT);
        boolean refused =
            keyword.equals("match")
                ? line.toLowerCase(java.util.Locale.ROOT).matches(".*\\bexec\\b.*")
                : InventorySpec.SshSpec.LOCAL_COMMAND_OPTIONS.contains(keyword);
        if (refused) {
          return config
              + " line "
              + (i + 1)
              + ": "
              + lines[i].strip().split("[\\s=]", 2)[0]
              + " runs a program (or reads more configuration) on this machine, as root; set"
              + " 'allowLocalCommands: true' on ssh to allow it";
        }
      }
      return null;
    }

    private List<SpecProblem> namespaceProblemsOfFile(HostState state, String relative)
        throws InvalidSpecException {
      Path shown = file.resolveSibling(relative).normalize();
      return state.namespaceTargetProblems(SpecLoader.read(shown), shown.toString(), "");
    }

    private Optional<HostState> state(JsonNode node, String at) throws InvalidSpecException {
      if (node.isObject()) {
        try {
          // The inline state keeps its place in the inventory, so that a rule the target's tool
          // rejects later is named at its line there.
          HostStateSpec spec = loader.bindPart(text, file.toString(), at, HostStateSpec.class);
          return Optional.of(
              HostState.from(spec, SpecLoader.source(text, file.toString()).under(at), namesDir));
        } catch (InvalidSpecException e) {
          problems.addAll(e.problems());
          return Optional.empty();
        }
      }
      Path referenced = file.toAbsolutePath().resolveSibling(node.asText()).normalize();
      if (!Files.isRegularFile(referenced)) {
        problem(at, "no such file: " + referenced);
        return Optional.empty();
      }
      Optional<HostState> known = files.get(referenced);
      if (known != null) {
        return known;
      }
      // Named the way the inventory names it, so the message points where the user looks.
      Path shown = file.resolveSibling(node.asText()).normalize();
      Optional<HostState> loaded;
      try {
        SpecLoader.Loaded<HostStateSpec> state = loader.loadWithSource(shown, HostStateSpec.class);
        loaded = Optional.of(HostState.from(state.spec(), state.source(), namesDir));
      } catch (InvalidSpecException e) {
        problems.addAll(e.problems());
        problem(at, "the host state in " + shown + " is not valid (see above)");
        loaded = Optional.empty();
      }
      files.put(referenced, loaded);
      return loaded;
    }

    private void problem(String path, String message) throws InvalidSpecException {
      problems.add(SpecLoader.locate(text, file.toString(), path, message));
    }
  }
}
