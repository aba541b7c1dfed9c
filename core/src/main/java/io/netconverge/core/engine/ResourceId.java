package io.netconverge.core.engine;

import java.util.Objects;

/**
 * The identity of one resource in a report: its kind and its key within that kind, e.g. kind {@code
 * sysctl} and key {@code net.ipv4.ip_forward}, or kind {@code route table} and key {@code isp1(100)
 * default metric 0}.
 *
 * @param kind what sort of resource it is: {@code sysctl}, {@code file}, {@code route table},
 *     {@code ip rule}, {@code nftables table}, {@code iptables}/{@code ip6tables}
 * @param key which one, unique within the kind on one host; may be empty
 */
public record ResourceId(String kind, String key) {

  public ResourceId {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
  }

  public static ResourceId of(String kind, Object key) {
    return new ResourceId(kind, String.valueOf(key));
  }

  /** As reports print it: kind, then key. */
  public String render() {
    return key.isEmpty() ? kind : kind + " " + key;
  }

  @Override
  public String toString() {
    return render();
  }
}
