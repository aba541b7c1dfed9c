package io.netconverge.iptables;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class JumpLayoutTest {

  private static final String A = IptablesChain.jumpRule("NC-A");
  private static final String B = IptablesChain.jumpRule("NC-B");
  private static final String Z = IptablesChain.jumpRule("NC-Z");
  private static final String F2B = "-p tcp -m tcp --dport 22 -j f2b-sshd";
  private static final String DOCKER = "-j DOCKER-USER";

  @Test
  void jumpsInPlaceNeedNothing() {
    JumpLayout layout = JumpLayout.of(List.of(A, B, F2B, DOCKER, Z), List.of(A, B), List.of(Z));
    assertThat(layout.placed()).containsExactlyInAnyOrder(A, B, Z);
    assertThat(layout.deletes()).isEmpty();
    assertThat(layout.inserts()).isEmpty();
  }

  @Test
  void aFirstJumpBehindAForeignRuleIsDeletedBySpecAndInsertedAtTheTop() {
    JumpLayout layout = JumpLayout.of(List.of(F2B, A), List.of(A), List.of());
    assertThat(layout.deletes()).containsExactly(A);
    assertThat(layout.inserts())
        .extracting(i -> i.command("INPUT"))
        .containsExactly("-I INPUT 1 " + A);
  }

  @Test
  void aDuplicatedJumpIsDeletedAsOftenAsItOccursAndInsertedOnce() {
    JumpLayout layout = JumpLayout.of(List.of(A, F2B, A), List.of(A), List.of());
    assertThat(layout.deletes()).containsExactly(A, A);
    assertThat(layout.inserts())
        .extracting(i -> i.command("INPUT"))
        .containsExactly("-I INPUT 1 " + A);
  }

  @Test
  void firstJumpsKeepTheirDeclaredOrder() {
    JumpLayout layout = JumpLayout.of(List.of(B, A, F2B), List.of(A, B), List.of());
    assertThat(layout.placed()).isEmpty();
    assertThat(layout.deletes()).containsExactly(B, A);
    assertThat(layout.inserts())
        .extracting(i -> i.command("INPUT"))
        .containsExactly("-I INPUT 1 " + A, "-I INPUT 2 " + B);
  }

  @Test
  void aLastJumpGoesBeforeTheLastJumpsAlreadyInPlace() {
    // Wanted: F2B, DOCKER, A, Z; Z is in place, A must go in front of it.
    JumpLayout layout = JumpLayout.of(List.of(F2B, DOCKER, Z), List.of(), List.of(A, Z));
    assertThat(layout.placed()).containsExactly(Z);
    assertThat(layout.inserts())
        .extracting(i -> i.command("POSTROUTING"))
        .containsExactly("-I POSTROUTING 3 " + A);
  }

  @Test
  void aLastJumpIsAppendedWhenNoneIsInPlace() {
    JumpLayout layout = JumpLayout.of(List.of(Z, F2B), List.of(), List.of(Z));
    assertThat(layout.deletes()).containsExactly(Z);
    assertThat(layout.inserts())
        .extracting(i -> i.command("POSTROUTING"))
        .containsExactly("-A POSTROUTING " + Z);
  }

  @Test
  void anOwnedJumpNobodyWantsGoesAndForeignRulesAreNeverListed() {
    JumpLayout layout = JumpLayout.of(List.of(A, F2B, DOCKER, B), List.of(), List.of());
    assertThat(layout.deletes()).containsExactly(A, B);
    assertThat(layout.inserts()).isEmpty();
  }

  @Test
  void aJumpThatOnlyLooksOwnedIsForeign() {
    String lookalike = "-m comment --comment netconverge -j NC-A -m mark --mark 0x1";
    JumpLayout layout = JumpLayout.of(List.of(lookalike), List.of(), List.of());
    assertThat(layout.deletes()).isEmpty();
  }
}
