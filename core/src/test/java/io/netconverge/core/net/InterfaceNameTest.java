package io.netconverge.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InterfaceNameTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"wan0", "eth0.100", "a23456789012345", "wg-vpn", "br_lan", "enp0s31f6", "_x"})
  void acceptsTheNamesRealInterfacesHave(String name) {
    assertThat(InterfaceName.of(name).name()).isEqualTo(name);
  }

  @Test
  void rejectsNamesOverFifteenCharactersAndPathLikeNames() {
    assertThatThrownBy(() -> InterfaceName.of("a234567890123456"))
        .hasMessage("interface name 'a234567890123456' is 16 characters; Linux allows at most 15");
    assertThatThrownBy(() -> InterfaceName.of("a/b")).hasMessageContaining("not an interface name");
    assertThatThrownBy(() -> InterfaceName.of("..")).hasMessageContaining("not an interface name");
    assertThatThrownBy(() -> InterfaceName.of(".")).hasMessageContaining("not an interface name");
    assertThatThrownBy(() -> InterfaceName.of("a b")).hasMessageContaining("not an interface name");
    assertThatThrownBy(() -> InterfaceName.of("")).hasMessageContaining("empty");
  }

  /** Each of these the kernel would take, and each breaks a batch line, a path or a shell. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "lan0#", "w$(id)", "w`id`", "a\"b", "a'b", "a\\b", "wan+", "wan*", "-wan0", ".hidden",
        "a:1", "a;b", "a{b", "a}b", "a\tb", "a\nb", "a\u0000b", "a=b", "a@b", "wän0"
      })
  void rejectsWhatBreaksAToolLineOrAShell(String name) {
    assertThatThrownBy(() -> InterfaceName.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an interface name")
        .hasMessageNotContaining("\n");
  }
}
