package io.netconverge.sysctl;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Which sysctls a converge may write where. Everything outside {@code net.} belongs to the whole
 * machine ({@code kernel.core_pattern}, {@code vm.*}, {@code fs.*}): a host state declares such
 * keys only with {@code allowHostSysctls: true}. Inside {@code net.} most keys are per network
 * namespace, but some are kept once for the machine: a namespace target never writes those nor
 * anything outside {@code net.}, whatever the file allows, so converging a namespace never changes
 * the host.
 *
 * <p>The host-wide {@code net.} keys are those Linux 6.x does not give a new network namespace (or
 * gives it read-only): measured by comparing {@code /proc/sys/net} of the initial namespace with
 * that of a fresh {@code unshare -n}.
 */
public final class SysctlScope {

  /** The key that lets a file declare sysctls outside {@code net.}. */
  public static final String OPT_IN = "allowHostSysctls";

  private static final Set<String> HOST_WIDE_NET =
      Set.of(
          "net.core.bpf_jit_enable",
          "net.core.bpf_jit_harden",
          "net.core.bpf_jit_kallsyms",
          "net.core.bpf_jit_limit",
          "net.core.busy_poll",
          "net.core.busy_read",
          "net.core.default_qdisc",
          "net.core.dev_weight",
          "net.core.dev_weight_rx_bias",
          "net.core.dev_weight_tx_bias",
          "net.core.devconf_inherit_init_net",
          "net.core.fb_tunnels_only_for_init_net",
          "net.core.flow_limit_cpu_bitmap",
          "net.core.flow_limit_table_len",
          "net.core.gro_normal_batch",
          "net.core.high_order_alloc_disable",
          "net.core.max_skb_frags",
          "net.core.mem_pcpu_rsv",
          "net.core.message_burst",
          "net.core.message_cost",
          "net.core.netdev_budget",
          "net.core.netdev_budget_usecs",
          "net.core.netdev_max_backlog",
          "net.core.netdev_rss_key",
          "net.core.netdev_tstamp_prequeue",
          "net.core.netdev_unregister_timeout_secs",
          "net.core.optmem_max",
          "net.core.rmem_default",
          "net.core.rmem_max",
          "net.core.rps_sock_flow_entries",
          "net.core.skb_defer_max",
          "net.core.warnings",
          "net.core.wmem_default",
          "net.core.wmem_max",
          "net.ipv4.cipso_cache_bucket_size",
          "net.ipv4.cipso_cache_enable",
          "net.ipv4.cipso_rbm_optfmt",
          "net.ipv4.cipso_rbm_strictvalid",
          "net.ipv4.fib_sync_mem",
          "net.ipv4.inet_peer_maxttl",
          "net.ipv4.inet_peer_minttl",
          "net.ipv4.inet_peer_threshold",
          "net.ipv4.ipfrag_secret_interval",
          "net.ipv4.tcp_allowed_congestion_control",
          "net.ipv4.tcp_available_congestion_control",
          "net.ipv4.tcp_available_ulp",
          "net.ipv4.tcp_ehash_entries",
          "net.ipv4.tcp_low_latency",
          "net.ipv4.tcp_max_orphans",
          "net.ipv4.tcp_mem",
          "net.ipv4.udp_hash_entries",
          "net.ipv4.udp_mem",
          "net.ipv6.calipso_cache_bucket_size",
          "net.ipv6.calipso_cache_enable",
          "net.ipv6.ip6frag_secret_interval",
          "net.ipv6.mld_max_msf",
          "net.ipv6.mld_qrv",
          "net.netfilter.nf_conntrack_buckets",
          "net.netfilter.nf_conntrack_expect_max",
          "net.netfilter.nf_conntrack_max",
          "net.netfilter.nf_log_all_netns",
          "net.nf_conntrack_max");

  private static final List<String> HOST_WIDE_NET_PREFIXES =
      List.of("net.ipv4.route.", "net.ipv4.neigh.default.", "net.ipv6.neigh.default.");

  private SysctlScope() {}

  /** Whether the key lies in the network stack ({@code net.}). */
  public static boolean isNetwork(SysctlKey key) {
    return key.name().startsWith("net.");
  }

  /** Whether each network namespace has its own value of the key. */
  public static boolean isPerNamespace(SysctlKey key) {
    String name = key.name().replace('/', '.');
    if (!isNetwork(key) || HOST_WIDE_NET.contains(name)) {
      return false;
    }
    return HOST_WIDE_NET_PREFIXES.stream().noneMatch(name::startsWith);
  }

  /** The keys a network-namespace target must not write, in the order given. */
  public static List<SysctlKey> notPerNamespace(Collection<SysctlKey> keys) {
    return keys.stream().filter(k -> !isPerNamespace(k)).toList();
  }

  /** Why a key may not be written in a network namespace. */
  public static String namespaceProblem(SysctlKey key) {
    return key
        + " is not per network namespace: writing it from a namespace target would change the"
        + " whole machine (converge it on the host itself)";
  }

  /** Why a key outside {@code net.} needs the opt-in. */
  public static String hostProblem(SysctlKey key) {
    return key
        + " is outside net.* and changes the whole machine; declare it only with '"
        + OPT_IN
        + ": true' in this file";
  }
}
