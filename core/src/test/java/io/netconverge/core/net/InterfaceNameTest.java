package io.netconverge.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InterfaceNameTest {

  @Test
  void acceptsWhatLinuxAccepts() {
    assertThat(InterfaceName.of("wan0").name()).isEqualTo("wan0");
    assertThat(InterfaceName.of("eth0.100").name()).isEqualTo("eth0.100");
    assertThat(InterfaceName.of("a23456789012345").name()).hasSize(15);
  }

  @Test
  void rejectsNamesOverFifteenCharactersAndPathLikeNames() {
    assertThatThrownBy(() -> InterfaceName.of("a234567890123456"))
        .hasMessage("interface name 'a234567890123456' is 16 characters; Linux allows at most 15");
    assertThatThrownBy(() -> InterfaceName.of("a/b")).hasMessageContaining("not an interface name");
    assertThatThrownBy(() -> InterfaceName.of("..")).hasMessageContaining("not an interface name");
    assertThatThrownBy(() -> InterfaceName.of("a b")).hasMessageContaining("not an interface name");
    assertThatThrownBy(() -> InterfaceName.of("")).hasMessageContaining("empty");
  }
}
