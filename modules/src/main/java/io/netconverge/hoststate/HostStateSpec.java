package io.netconverge.hoststate;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.spec.SpecViolation;
import io.netconverge.core.spec.Validated;
import io.netconverge.dualwan.DualWanProfile;
import io.netconverge.dualwan.DualWanSpec;
import io.netconverge.iprule.IpRuleSpec;
import io.netconverge.iptables.ChainSweep;
import io.netconverge.iptables.IptablesChainSpec;
import io.netconverge.nftables.NftTableName;
import io.netconverge.nftables.NftTableSpec;
import io.netconverge.route.RouteTableSpec;
import io.netconverge.sysctl.SysctlKey;
import io.netconverge.sysctl.SysctlScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The file form of a host state ({@code kind: HostState}). Each key is one module's section; the
 * sections are turned into the model by {@link HostState#from(HostStateSpec)}.
 *
 * @param apiVersion checked by the loader; optional inside an inventory
 * @param kind checked by the loader; optional inside an inventory
 * @param sysctl kernel parameters by dotted name
 * @param protocol the routing protocol number that tags the rules and routes netconverge creates
 *     (and the only foreign-free mark of what it owns); default 77
 * @param routeTables routing tables, each owned whole (unless {@code purge: false})
 * @param ipRules policy routing rules, IPv4 and IPv6; null when the file has no {@code ipRules} key
 *     (then netconverge leaves every rule alone, {@link #ipRules()} reads empty), empty for {@code
 *     ipRules: []} (then the rules it created earlier, which carry its protocol, are removed); a
 *     dualWan profile brings its rules in, and with them the section
 * @param nftables nft tables owned whole, each with its definition in nft syntax; null when the
 *     file has no {@code nftables} key (then netconverge does not look at nft at all), empty for
 *     {@code nftables: []} (then tables it created earlier, which carry its mark, are removed)
 * @param iptables owned iptables/ip6tables chains; null when the file has no {@code iptables} key
 *     (then netconverge does not look at iptables at all), empty for {@code iptables: []} (then
 *     chains it created earlier are removed)
 * @param dualWan the dual-WAN router profile, expanded into the sections above
 * @param allowHostSysctls true lets {@code sysctl} declare keys outside {@code net.}, which change
 *     the whole machine (see {@link SysctlScope}); a network-namespace target refuses them anyway
 * @param allowHooks true lets the dualWan profile's WANs declare {@code hooks}: programs {@code
 *     converge watch} runs as root when a WAN goes down or comes back. Without it a file that
 *     declares hooks is refused, so a file written by someone else never runs a program by default
 * @param sections the sections of modules that have one of their own ({@link SectionModule}), by
 *     file key: the file's value as read, or the typed value when built in code; read them with
 *     {@link #section(SectionModule)}
 */
public record HostStateSpec(
    String apiVersion,
    String kind,
    Map<SysctlKey, String> sysctl,
    Integer protocol,
    List<RouteTableSpec> routeTables,
    List<IpRuleSpec> ipRules,
    List<NftTableSpec> nftables,
    List<IptablesChainSpec> iptables,
    DualWanSpec dualWan,
    Boolean allowHostSysctls,
    Boolean allowHooks,
    @JsonAnySetter Map<String, Object> sections)
    implements Validated {

  /** The key that lets a file declare hooks. */
  public static final String HOOKS_OPT_IN = "allowHooks";

  /** The protocol number no routing daemon uses, so that what carries it is ours. */
  public static final int DEFAULT_PROTOCOL = 77;

  public HostStateSpec {
    sysctl = sysctl == null ? Map.of() : new LinkedHashMap<>(sysctl);
    routeTables =
        routeTables == null
            ? List.of()
            : routeTables instanceof ProfileRouteTables p ? p : List.copyOf(routeTables);
    ipRules = ipRules == null ? null : List.copyOf(ipRules);
    nftables =
        nftables == null
            ? null
            : nftables instanceof ProfileTables p ? p : new ArrayList<>(nftables);
    iptables =
        iptables == null ? null : iptables instanceof RetiredChains r ? r : List.copyOf(iptables);
    sections = sections == null ? Map.of() : new LinkedHashMap<>(sections);
    for (String key : sections.keySet()) {
      if (Modules.section(key).isEmpty()) {
        throw SpecViolation.atKey(
            key, "unknown key '" + key + "' (known keys: " + String.join(", ", knownKeys()) + ")");
      }
    }
  }

  /** The declared ip rules; empty also when the file has no {@code ipRules} key. */
  @Override
  public List<IpRuleSpec> ipRules() {
    return ipRules == null ? List.of() : ipRules;
  }

  /**
   * Whether the ip rules are managed: the file has an {@code ipRules} key (even {@code []}) or a
   * profile brought rules in. Without it no rule is read, and none is removed.
   */
  public boolean managesIpRules() {
    return ipRules != null;
  }

  /**
   * Whether the nftables section is the file's own (a {@code nftables} key, even {@code []}): then
   * tables netconverge created and no longer declares are removed. False when there is none, or
   * when only a profile brought its tables in: then only those are looked at.
   */
  public boolean ownsNftTables() {
    return nftables != null && !(nftables instanceof ProfileTables);
  }

  /**
   * The nft tables a profile wants gone (the other backend's marking), when the file has no
   * nftables key of its own (with one, the tables netconverge made and no longer declares go
   * anyway).
   */
  public List<NftTableName> retiredNftTables() {
    return nftables instanceof ProfileTables p ? p.retired : List.of();
  }

  /**
   * The owned iptables chains a profile wants gone (the other backend's marking), when the file has
   * no iptables key of its own (with one, the chains netconverge made and no longer declares go
   * anyway); empty when none.
   */
  public Optional<ChainSweep> retiredIptablesChains() {
    return iptables instanceof RetiredChains r ? Optional.of(r.sweep) : Optional.empty();
  }

  /** The tables a profile brought into a spec whose file has no nftables key. */
  private static final class ProfileTables extends ArrayList<NftTableSpec> {
    private static final long serialVersionUID = 1L;

    private final List<NftTableName> retired;

    ProfileTables(List<NftTableSpec> tables, List<NftTableName> retired) {
      super(tables);
      this.retired = List.copyOf(retired);
    }
  }

  /**
   * No chain, only the profile's chains to remove: a file with no iptables key, backend nftables.
   */
  private static final class RetiredChains extends ArrayList<IptablesChainSpec> {
    private static final long serialVersionUID = 1L;

    private final ChainSweep sweep;

    RetiredChains(ChainSweep sweep) {
      this.sweep = sweep;
    }
  }

  /**
   * Whether routes carrying our protocol in tables this state does not declare are ours to remove:
   * when it declares tables, or a profile brought its tables in (even none, all its WANs pending).
   * A state that only declares rules (or only the protocol) never looks at routes.
   */
  public boolean ownsProtocolRoutes() {
    return !routeTables.isEmpty() || routeTables instanceof ProfileRouteTables;
  }

  /**
   * The tables a profile holds as they are (its pending WANs'): their routes are neither changed
   * nor removed, and their names stay.
   */
  public List<TableRef> heldRouteTables() {
    return routeTables instanceof ProfileRouteTables p ? p.held : List.of();
  }

  /** The tables of a spec a profile was expanded into, with those it holds as they are. */
  private static final class ProfileRouteTables extends ArrayList<RouteTableSpec> {
    private static final long serialVersionUID = 1L;

    private final List<TableRef> held;

    ProfileRouteTables(List<RouteTableSpec> tables, List<TableRef> held) {
      super(tables);
      this.held = List.copyOf(held);
    }
  }

  /** Whether this file lets its hooks run (see {@link #HOOKS_OPT_IN}). */
  public boolean hooksAllowed() {
    return Boolean.TRUE.equals(allowHooks);
  }

  /**
   * Hooks are programs run as root: a file declares them only with {@link #HOOKS_OPT_IN}, so that
   * converging a file someone else wrote never runs a program unless that file says so in the open.
   *
   * @throws SpecViolation at the first WAN that declares hooks without the opt-in
   */
  public void checkHooks() {
    if (hooksAllowed() || dualWan == null) {
      return;
    }
    for (int i = 0; i < dualWan.wans().size(); i++) {
      var hooks = dualWan.wans().get(i).hooks();
      if (hooks != null && (!hooks.down().isEmpty() || !hooks.up().isEmpty())) {
        throw new SpecViolation(
            "dualWan.wans[" + i + "].hooks",
            "hooks run programs as root when the WAN changes; a file declares them only with "
                + HOOKS_OPT_IN
                + ": true at its top level");
      }
    }
  }

  /** Every key a host state file may have, sorted. */
  public static List<String> knownKeys() {
    java.util.TreeSet<String> keys = new java.util.TreeSet<>();
    for (var c : HostStateSpec.class.getRecordComponents()) {
      if (!c.getName().equals("sections")) {
        keys.add(c.getName());
      }
    }
    Modules.ALL.forEach(m -> keys.addAll(m.keys()));
    return List.copyOf(keys);
  }

  public HostStateSpec(
      String apiVersion,
      String kind,
      Map<SysctlKey, String> sysctl,
      Integer protocol,
      List<RouteTableSpec> routeTables,
      List<IpRuleSpec> ipRules,
      List<NftTableSpec> nftables,
      List<IptablesChainSpec> iptables,
      DualWanSpec dualWan,
      Boolean allowHostSysctls) {
    this(
        apiVersion,
        kind,
        sysctl,
        protocol,
        routeTables,
        ipRules,
        nftables,
        iptables,
        dualWan,
        allowHostSysctls,
        null,
        null);
  }

  /**
   * The section of {@code module}, or null when the spec has none.
   *
   * @throws SpecViolation when the file's value does not bind to the module's type
   */
  public <T> T section(SectionModule<T> module) {
    return module.section(this);
  }

  /** The same host state with {@code module}'s section set to {@code value} (null removes it). */
  public <T> HostStateSpec withSection(SectionModule<T> module, T value) {
    Map<String, Object> all = new LinkedHashMap<>(sections);
    if (value == null) {
      all.remove(module.key());
    } else {
      all.put(module.key(), value);
    }
    return new HostStateSpec(
        apiVersion,
        kind,
        sysctl,
        protocol,
        routeTables,
        ipRules,
        nftables,
        iptables,
        dualWan,
        allowHostSysctls,
        allowHooks,
        all);
  }

  public HostStateSpec(
      String apiVersion,
      String kind,
      Map<SysctlKey, String> sysctl,
      Integer protocol,
      List<RouteTableSpec> routeTables,
      List<IpRuleSpec> ipRules,
      List<NftTableSpec> nftables,
      List<IptablesChainSpec> iptables,
      DualWanSpec dualWan) {
    this(
        apiVersion,
        kind,
        sysctl,
        protocol,
        routeTables,
        ipRules,
        nftables,
        iptables,
        dualWan,
        null);
  }

  public HostStateSpec(String apiVersion, String kind, Map<SysctlKey, String> sysctl) {
    this(apiVersion, kind, sysctl, null, null, null, null, null, null);
  }

  /** Routing only: what code that builds tables and rules (not a file) needs. */
  public HostStateSpec(
      String apiVersion,
      String kind,
      Map<SysctlKey, String> sysctl,
      Integer protocol,
      List<RouteTableSpec> routeTables,
      List<IpRuleSpec> ipRules) {
    this(apiVersion, kind, sysctl, protocol, routeTables, ipRules, null, null, null);
  }

  /** The protocol number in effect. */
  public int routingProtocol() {
    return protocol == null ? DEFAULT_PROTOCOL : protocol;
  }

  /**
   * Checks what binding cannot, module by module ({@link Modules#ALL}): every section's problems
   * are reported, so a file with a wrong sysctl and a wrong rule shows both at once.
   */
  @Override
  public void validate() {
    List<SpecViolation> found = new ArrayList<>();
    for (ModuleRegistration<?> module : Modules.ALL) {
      check(module, found);
    }
    if (!found.isEmpty()) {
      throw SpecViolation.all(found);
    }
  }

  private <T> void check(ModuleRegistration<T> module, List<SpecViolation> found) {
    T section;
    try {
      section = module.section(this);
    } catch (SpecViolation v) {
      found.add(v);
      return;
    }
    if (section == null) {
      return;
    }
    if (module.profile()) {
      // Checked against the other sections: its own problems propagate when they are sound.
      module.check(section, this, found);
      return;
    }
    try {
      module.check(section, this, found);
    } catch (SpecViolation v) {
      found.add(v);
    }
  }

  /**
   * The same host state with the dualWan profile replaced by the resources it stands for, after
   * what the file declares itself (a valid spec: see {@link #validate()}).
   */
  public HostStateSpec expanded() {
    if (dualWan == null) {
      return this;
    }
    return expanded(DualWanProfile.expand(dualWan));
  }

  /**
   * The same host state with the dualWan profile replaced by {@code profile}: an expansion made for
   * the host's live state (resolved gateways, pending WANs left out, see io.netconverge.wan).
   */
  public HostStateSpec expanded(DualWanProfile.Expansion profile) {
    Map<SysctlKey, String> allSysctl = new LinkedHashMap<>(sysctl);
    profile.sysctl().forEach(allSysctl::putIfAbsent);
    List<IptablesChainSpec> allIptables = iptables;
    if (!profile.iptables().isEmpty()) {
      allIptables = new ArrayList<>(iptables == null ? List.of() : iptables);
      allIptables.addAll(profile.iptables());
    } else if (iptables == null && profile.retired().iptables().isPresent()) {
      allIptables = new RetiredChains(profile.retired().iptables().get());
    }
    List<NftTableName> retiredNft = profile.retired().nftTables();
    return new HostStateSpec(
        apiVersion,
        kind,
        allSysctl,
        protocol,
        new ProfileRouteTables(concat(routeTables, profile.routeTables()), profile.heldTables()),
        ipRules == null && profile.ipRules().isEmpty()
            ? null
            : concat(ipRules(), profile.ipRules()),
        nftables == null
            ? (profile.nftables().isEmpty() && retiredNft.isEmpty()
                ? null
                : new ProfileTables(profile.nftables(), retiredNft))
            : concat(nftables, profile.nftables()),
        allIptables,
        null,
        allowHostSysctls,
        allowHooks,
        mergedSections(profile.sections()));
  }

  private Map<String, Object> mergedSections(Map<String, Object> more) {
    Map<String, Object> all = new LinkedHashMap<>(sections);
    more.forEach((key, value) -> all.put(key, merged(Modules.section(key).orElseThrow(), value)));
    return all;
  }

  private <T> T merged(SectionModule<T> module, Object more) {
    return module.merged(module.section(this), module.type().cast(more));
  }

  /** The same host state with other sysctls. */
  public HostStateSpec withSysctl(Map<SysctlKey, String> values) {
    return new HostStateSpec(
        apiVersion,
        kind,
        values,
        protocol,
        routeTables,
        ipRules,
        nftables,
        iptables,
        dualWan,
        allowHostSysctls,
        allowHooks,
        sections);
  }

  private static <T> List<T> concat(List<T> mine, List<T> more) {
    List<T> all = new ArrayList<>(mine);
    all.addAll(more);
    return all;
  }

  static String pathKey(String key) {
    return "[\"" + key + "\"]";
  }
}
