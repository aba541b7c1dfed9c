package io.netconverge.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarkTest {

  @Test
  void decimalHexAndFullMaskSpellTheSameMark() {
    assertThat(Mark.parse("10"))
        .isEqualTo(Mark.parse("0xa"))
        .isEqualTo(Mark.parse("0xa/0xffffffff"));
    assertThat(Mark.parse("0xa/0xff")).isNotEqualTo(Mark.parse("0xa"));
    assertThat(Mark.parse("10/255")).isEqualTo(Mark.parse("0xa/0xff"));
  }

  @Test
  void printsAsIpRulePrintsIt() {
    assertThat(Mark.parse("10")).hasToString("0xa");
    assertThat(Mark.parse("20/0xff")).hasToString("0x14/0xff");
  }

  @Test
  void rejectsWhatTheKernelCannotHold() {
    assertThatThrownBy(() -> Mark.parse("0x100000000")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> Mark.parse("-1")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> Mark.parse("ten")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> Mark.parse("0x100/0xff"))
        .hasMessage("mark 0x100 has bits outside its mask 0xff");
  }
}
