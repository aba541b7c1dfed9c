package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfirmCommandTest {

  @Test
  void aRevertThatExitedNonZeroIsAFailedRevert() {
    assertThat(ConfirmCommand.revertFailed("reverted at 2026-12-03T07:24:03Z, exit 1")).isTrue();
    assertThat(ConfirmCommand.revertFailed("reverted at 2026-12-03T07:24:03Z, exit 0")).isFalse();
    assertThat(ConfirmCommand.revertFailed("")).isFalse();
  }
}
