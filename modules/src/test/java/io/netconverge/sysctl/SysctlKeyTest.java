package io.netconverge.sysctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SysctlKeyTest {

  @Test
  void mapsToItsProcFile() {
    assertThat(SysctlKey.of("net.ipv4.ip_forward").procPath())
        .isEqualTo("/proc/sys/net/ipv4/ip_forward");
    assertThat(SysctlKey.of("net.ipv4.conf.eth0/100.rp_filter").procPath())
        .isEqualTo("/proc/sys/net/ipv4/conf/eth0.100/rp_filter");
  }

  @Test
  void namesTheInterfaceItIsAbout() {
    assertThat(SysctlKey.of("net.ipv4.conf.wan0.rp_filter").interfaceName()).contains("wan0");
    assertThat(SysctlKey.of("net.ipv6.neigh.eth0/7.proxy_delay").interfaceName())
        .contains("eth0.7");
    assertThat(SysctlKey.of("net.ipv4.conf.all.rp_filter").interfaceName()).isEmpty();
    assertThat(SysctlKey.of("net.ipv4.ip_forward").interfaceName()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "net..ipv4",
        "net.ipv4.",
        ".net.ipv4",
        "/proc/sys/net/ipv4/ip_forward",
        "net/ipv4/ip_forward",
        "net.ipv4.conf.x/../../kernel.hostname",
        "net.ipv4.conf.a//b.rp_filter",
        "net.ipv4.ip forward",
        "ip_forward",
        ""
      })
  void rejectsWhatIsNotASysctlName(String name) {
    assertThatThrownBy(() -> SysctlKey.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sysctl name");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "net.ipv4.conf.w$(id).rp_filter",
        "net.ipv4.conf.lan0#.rp_filter",
        "net.ipv4.conf.wan+.rp_filter",
        "net.ipv6.neigh.a234567890123456.proxy_delay"
      })
  void anInterfacePartMustBeAnInterfaceName(String key) {
    assertThatThrownBy(() -> SysctlKey.of(key)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scopeSeparatesTheMachineFromTheNamespace() {
    assertThat(SysctlScope.isPerNamespace(SysctlKey.of("net.ipv4.ip_forward"))).isTrue();
    assertThat(SysctlScope.isPerNamespace(SysctlKey.of("net.ipv4.conf.eth0/100.rp_filter")))
        .isTrue();
    assertThat(SysctlScope.isPerNamespace(SysctlKey.of("kernel.core_pattern"))).isFalse();
    assertThat(SysctlScope.isPerNamespace(SysctlKey.of("net.core.rmem_max"))).isFalse();
    assertThat(SysctlScope.isPerNamespace(SysctlKey.of("net.ipv4.route.gc_timeout"))).isFalse();
    assertThat(SysctlScope.isPerNamespace(SysctlKey.of("net.ipv4.neigh.default.gc_thresh3")))
        .isFalse();
    assertThat(SysctlScope.isPerNamespace(SysctlKey.of("net.ipv4.neigh.wan0.gc_stale_time")))
        .isTrue();
  }
}
