package io.netconverge.inventory;

import io.netconverge.core.exec.DockerExecutor;
import io.netconverge.core.exec.NetnsExecutor;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.core.spec.Validated;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The file form of an inventory ({@code kind: Inventory}): groups of hosts that share connection
 * settings and a host state, and hosts of no group. Turned into the model by {@link Inventory}.
 *
 * <pre>
 * groups:
 *   - name: edge                  # what a group says, each of its hosts has unless it says otherwise
 *     ssh: { user: root }
 *     hostState: edge.yaml        # relative to this file
 *     hosts:
 *       - { name: edge1, ssh: { host: 192.0.2.1 } }
 * hosts:
 *   - { name: lab, netns: lab1, hostState: { sysctl: { net.ipv4.ip_forward: 1 } } }
 * </pre>
 *
 * @param apiVersion checked by the loader
 * @param kind checked by the loader
 * @param groups named groups, each with its defaults and its hosts
 * @param hosts hosts of no group
 */
public record InventorySpec(
    String apiVersion, String kind, List<GroupSpec> groups, List<HostSpec> hosts)
    implements Validated {

  public InventorySpec {
    groups = groups == null ? List.of() : List.copyOf(groups);
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
  }

  /**
   * A group: connection settings and a host state its hosts take unless they say otherwise.
   *
   * @param name what {@code --limit} selects the whole group by
   */
  public record GroupSpec(
      String name,
      Boolean local,
      String netns,
      SshSpec ssh,
      DockerSpec docker,
      com.fasterxml.jackson.databind.JsonNode hostState,
      List<HostSpec> hosts) {

    public GroupSpec {
      hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    HostSpec defaults() {
      return new HostSpec(name, local, netns, ssh, docker, hostState);
    }
  }

  /**
   * One host. Exactly one connection: {@code local: true}, {@code netns: NAME}, {@code ssh: {...}}
   * or {@code docker: {...}}; with none, the group's.
   *
   * @param hostState a file path (relative to the inventory) or the host state itself
   */
  public record HostSpec(
      String name,
      Boolean local,
      String netns,
      SshSpec ssh,
      DockerSpec docker,
      com.fasterxml.jackson.databind.JsonNode hostState) {

    int connections() {
      return (local != null ? 1 : 0)
          + (netns != null ? 1 : 0)
          + (ssh != null ? 1 : 0)
          + (docker != null ? 1 : 0);
    }
  }

  /**
   * How to reach a host with the OpenSSH client; what is left out comes from the ssh configuration.
   *
   * @param host name, address or ssh config alias; default: the inventory's name of the host
   * @param configFile an ssh configuration to use instead of ~/.ssh/config, relative to the
   *     inventory
   * @param options {@code -o} options, e.g. {@code ServerAliveInterval: 5}
   * @param proxyJump bastions to go through, as ssh's {@code -J} takes them: {@code
   *     [user@]host[:port]}, comma-separated
   * @param allowLocalCommands true lets {@code options} and {@code configFile} use ssh options that
   *     run programs or load code on this machine (ProxyCommand, LocalCommand, KnownHostsCommand,
   *     PermitLocalCommand, Match exec, PKCS11Provider, SecurityKeyProvider); without it they are
   *     refused, since netconverge runs them as root
   */
  public record SshSpec(
      String host,
      String user,
      Integer port,
      String configFile,
      Map<String, String> options,
      String proxyJump,
      Boolean allowLocalCommands) {

    public SshSpec(
        String host, String user, Integer port, String configFile, Map<String, String> options) {
      this(host, user, port, configFile, options, null, null);
    }

    /**
     * ssh options (lower case) that run a program or load code on the machine that runs ssh; an
     * {@code Include} is listed as it would bring in lines nobody checked.
     */
    public static final java.util.Set<String> LOCAL_COMMAND_OPTIONS =
        java.util.Set.of(
            "proxycommand",
            "localcommand",
            "knownhostscommand",
            "permitlocalcommand",
            "match",
            "pkcs11provider",
            "securitykeyprovider",
            "include");

    boolean localCommandsAllowed() {
      return Boolean.TRUE.equals(allowLocalCommands);
    }

    /** This one's fields, and the group's where this one says nothing. */
    SshSpec over(SshSpec group) {
      if (group == null) {
        return this;
      }
      Map<String, String> merged = new HashMap<>();
      if (group.options != null) {
        merged.putAll(group.options);
      }
      if (options != null) {
        merged.putAll(options);
      }
      return new SshSpec(
          host != null ? host : group.host,
          user != null ? user : group.user,
          port != null ? port : group.port,
          configFile != null ? configFile : group.configFile,
          merged,
          proxyJump != null ? proxyJump : group.proxyJump,
          allowLocalCommands != null ? allowLocalCommands : group.allowLocalCommands);
    }
  }

  /**
   * A running container, reached with {@code docker exec}.
   *
   * @param container name or id; default: the inventory's name of the host
   */
  public record DockerSpec(String container) {}

  @Override
  public void validate() {
    if (groups.stream().allMatch(g -> g.hosts().isEmpty()) && hosts.isEmpty()) {
      throw new SpecViolation("hosts", "the inventory has no hosts");
    }
    Map<String, String> seen = new HashMap<>();
    for (int g = 0; g < groups.size(); g++) {
      GroupSpec group = groups.get(g);
      String at = "groups[" + g + "]";
      checkName(group.name(), at + ".name", seen);
      checkOne(group.defaults(), at);
      for (int h = 0; h < group.hosts().size(); h++) {
        checkHost(group.hosts().get(h), at + ".hosts[" + h + "]", group, seen);
      }
    }
    for (int h = 0; h < hosts.size(); h++) {
      checkHost(hosts.get(h), "hosts[" + h + "]", null, seen);
    }
  }

  private static void checkHost(
      HostSpec host, String at, GroupSpec group, Map<String, String> seen) {
    checkName(host.name(), at + ".name", seen);
    checkOne(host, at);
    if (host.connections() == 0 && (group == null || group.defaults().connections() == 0)) {
      throw new SpecViolation(
          at,
          "host "
              + host.name()
              + " has no connection: give one of local, netns, ssh or docker"
              + (group == null ? "" : " (here or in group " + group.name() + ")"));
    }
    if (host.hostState() == null && (group == null || group.hostState() == null)) {
      throw new SpecViolation(
          at,
          "host "
              + host.name()
              + " has no hostState: give a file or the host state itself"
              + (group == null ? "" : " (here or in group " + group.name() + ")"));
    }
  }

  private static void checkOne(HostSpec spec, String at) {
    if (spec.connections() > 1) {
      throw new SpecViolation(at, "give one connection: local, netns, ssh or docker");
    }
    if (Boolean.FALSE.equals(spec.local())) {
      throw new SpecViolation(at + ".local", "local: false means nothing; leave it out");
    }
    if (spec.netns() != null && NetnsExecutor.nameProblem(spec.netns()) != null) {
      throw new SpecViolation(at + ".netns", NetnsExecutor.nameProblem(spec.netns()));
    }
    if (spec.docker() != null
        && spec.docker().container() != null
        && DockerExecutor.nameProblem(spec.docker().container()) != null) {
      throw new SpecViolation(
          at + ".docker.container", DockerExecutor.nameProblem(spec.docker().container()));
    }
    if (spec.ssh() != null) {
      checkSsh(spec.ssh(), at + ".ssh");
    }
    if (spec.hostState() != null && !spec.hostState().isTextual() && !spec.hostState().isObject()) {
      throw new SpecViolation(at + ".hostState", "expected a file path or a host state mapping");
    }
  }

  private static final java.util.regex.Pattern JUMP =
      java.util.regex.Pattern.compile(
          "([A-Za-z0-9_][A-Za-z0-9_.\\-]*@)?([A-Za-z0-9_.\\-]+|\\[[0-9A-Fa-f:.]+\\])(:\\d{1,5})?");

  private static void checkSsh(SshSpec ssh, String at) {
    if (ssh.options() != null) {
      for (String option : ssh.options().keySet()) {
        if (option.equalsIgnoreCase("ProxyJump")) {
          checkJump(ssh.options().get(option), at + ".options." + option);
        }
        if (!ssh.localCommandsAllowed()
            && SshSpec.LOCAL_COMMAND_OPTIONS.contains(option.toLowerCase(java.util.Locale.ROOT))) {
          throw new SpecViolation(
              at + ".options." + option,
              option
                  + " runs a program (or loads code) on this machine, as root; set"
                  + " 'allowLocalCommands: true' on ssh to allow it"
                  + (option.equalsIgnoreCase("ProxyCommand")
                      ? " (for a bastion, use 'proxyJump: HOST')"
                      : ""));
        }
      }
    }
    if (ssh.proxyJump() != null) {
      checkJump(ssh.proxyJump(), at + ".proxyJump");
    }
  }

  private static void checkJump(String jumps, String at) {
    if (jumps == null || jumps.equalsIgnoreCase("none")) {
      return;
    }
    for (String hop : jumps.split(",", -1)) {
      if (!JUMP.matcher(hop).matches() || hop.startsWith("-")) {
        throw new SpecViolation(
            at,
            "'"
                + hop.replaceAll("\\p{Cntrl}", "?")
                + "' is not a jump host: [user@]host[:port], several separated by ','");
      }
    }
  }

  private static void checkName(String name, String at, Map<String, String> seen) {
    if (name == null) {
      throw new SpecViolation(at, "a name is required");
    }
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw new SpecViolation(
          at, "'" + name + "' is not a name: letters, digits, '_', '.', '-', no ',' or spaces");
    }
    String before = seen.putIfAbsent(name, at);
    if (before != null) {
      throw new SpecViolation(at, "'" + name + "' is already the name at " + before);
    }
  }
}
