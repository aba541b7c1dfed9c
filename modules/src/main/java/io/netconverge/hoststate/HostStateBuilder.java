package io.netconverge.hoststate;

import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.dualwan.DualWanSpec;
import io.netconverge.iprule.IpRuleSpec;
import io.netconverge.iptables.IptablesChainSpec;
import io.netconverge.nftables.NftTableName;
import io.netconverge.nftables.NftTableSpec;
import io.netconverge.route.RouteTableSpec;
import io.netconverge.sysctl.SysctlKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A host state written in Java: the sections of a file, added one by one. {@link #build()} checks
 * it exactly like a file is checked (two WANs with one mark, a dualWan without markMask, a rule
 * declared twice...) and throws the same problems, named by field path.
 *
 * <pre>{@code
 * HostState state = HostState.builder()
 *     .sysctl("net.ipv4.ip_forward", "1")
 *     .nftables("inet filter", "chain input { type filter hook input priority 0; }")
 *     .build();
 * }</pre>
 */
public final class HostStateBuilder {

  private final Map<SysctlKey, String> sysctl = new LinkedHashMap<>();
  private final List<RouteTableSpec> routeTables = new ArrayList<>();
  private List<IpRuleSpec> ipRules;
  private List<NftTableSpec> nftables;
  private List<IptablesChainSpec> iptables;
  private Integer protocol;
  private DualWanSpec dualWan;
  private final Map<String, Object> sections = new LinkedHashMap<>();
  private Boolean allowHooks;
  private Path namesDir = HostState.defaultNamesDir();
  private final List<SpecProblem> problems = new ArrayList<>();

  HostStateBuilder() {}

  /** A kernel parameter by its dotted name, e.g. {@code net.ipv4.ip_forward}. */
  public HostStateBuilder sysctl(String key, String value) {
    try {
      // As in a file, a key declared twice is a problem, not the last value silently.
      if (sysctl.put(SysctlKey.of(key), Objects.requireNonNull(value, "value")) != null) {
        problem("sysctl", "duplicate key '" + key + "'");
      }
    } catch (IllegalArgumentException e) {
      problem("sysctl[\"" + key + "\"]", e.getMessage());
    }
    return this;
  }

  /** The routing protocol number of the rules and routes netconverge creates (default 77). */
  public HostStateBuilder protocol(int protocol) {
    this.protocol = protocol;
    return this;
  }

  public HostStateBuilder routeTable(RouteTableSpec table) {
    routeTables.add(Objects.requireNonNull(table, "table"));
    return this;
  }

  /**
   * A policy routing rule. Declaring any (or calling {@link #noIpRules()}) makes the ipRules
   * section present: rules netconverge created earlier (its protocol) and no longer declared go.
   */
  public HostStateBuilder ipRule(IpRuleSpec rule) {
    noIpRules();
    ipRules.add(Objects.requireNonNull(rule, "rule"));
    return this;
  }

  /** {@code ipRules: []}: remove the rules netconverge created. */
  public HostStateBuilder noIpRules() {
    if (ipRules == null) {
      ipRules = new ArrayList<>();
    }
    return this;
  }

  /**
   * An nft table owned whole, e.g. {@code ("inet dualwan", "chain prerouting { ... }")}. Declaring
   * any (or calling {@link #noNftTables()}) makes the nftables section present: tables netconverge
   * created earlier (they carry its mark) and no longer declared go.
   */
  public HostStateBuilder nftables(String table, String definition) {
    noNftTables();
    int at = nftables.size();
    try {
      nftables.add(new NftTableSpec(NftTableName.parse(table), definition));
    } catch (IllegalArgumentException e) {
      problem("nftables[" + at + "]", e.getMessage());
    }
    return this;
  }

  /** {@code nftables: []}: remove the tables netconverge created. */
  public HostStateBuilder noNftTables() {
    if (nftables == null) {
      nftables = new ArrayList<>();
    }
    return this;
  }

  /**
   * An owned iptables chain. Declaring any (or calling {@link #noIptablesChains()}) makes the
   * iptables section present: chains netconverge created earlier and no longer declared go.
   */
  public HostStateBuilder iptablesChain(IptablesChainSpec chain) {
    if (iptables == null) {
      iptables = new ArrayList<>();
    }
    iptables.add(Objects.requireNonNull(chain, "chain"));
    return this;
  }

  /** {@code iptables: []}: remove the chains netconverge created. */
  public HostStateBuilder noIptablesChains() {
    if (iptables == null) {
      iptables = new ArrayList<>();
    }
    return this;
  }

  public HostStateBuilder dualWan(DualWanSpec profile) {
    this.dualWan = Objects.requireNonNull(profile, "profile");
    return this;
  }

  /**
   * The section of a module that has one of its own, e.g. {@code section(LinksModule.REGISTRATION,
   * LinksSpec.of("wan0", new LinkSpec(true, 1492, List.of(), null)))}.
   */
  public <T> HostStateBuilder section(SectionModule<T> module, T value) {
    sections.put(module.key(), Objects.requireNonNull(value, "value"));
    return this;
  }

  /**
   * Lets the dualWan profile's hooks run ({@code allowHooks: true} in a file): programs that {@code
   * watch} runs as root when a WAN changes. Without it, a profile that declares hooks is refused.
   */
  public HostStateBuilder allowHooks() {
    this.allowHooks = true;
    return this;
  }

  /** Where the names of tables and the protocol are written (default /etc/iproute2). */
  public HostStateBuilder namesDir(Path dir) {
    this.namesDir = Objects.requireNonNull(dir, "dir");
    return this;
  }

  /** The file form of what was added, unchecked. */
  public HostStateSpec spec() {
    return new HostStateSpec(
        SpecLoader.API_VERSION,
        "HostState",
        sysctl,
        protocol,
        routeTables,
        ipRules,
        nftables,
        iptables,
        dualWan,
        null,
        allowHooks,
        sections);
  }

  /**
   * @throws InvalidSpecException every problem, as the loader would report it for a file
   */
  public HostState build() throws InvalidSpecException {
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    return HostState.from(spec(), SpecSource.none(), namesDir);
  }

  private void problem(String path, String message) {
    problems.add(SpecSource.none().problem(path, message));
  }
}
