package io.netconverge.nftables;

import static io.netconverge.nftables.Fixtures.DUALWAN;
import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.engine.Declared;
import io.netconverge.core.engine.Declared.Planned;
import io.netconverge.core.exec.CanonicalCache;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.testing.FakeExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nftables module with a canonical cache: nft is faked, the cache's own scripts run for real
 * (sh, stat, cat) in a temporary directory.
 */
class NftablesCacheTest {

  private static final LocalExecutor LOCAL = new LocalExecutor();

  @TempDir Path dir;

  private static NftState declared() {
    return new NftState(
        List.of(NftTable.present(DUALWAN, Fixtures.declaredBody())), Map.of(), Map.of());
  }

  /** nft answered by fixtures, the cache's scripts (and the version) run here. */
  private static FakeExecutor target(String live) {
    return new FakeExecutor()
        .on(NftablesResource.READ_LIVE, Fixtures.text(live))
        .on(NftablesResource.CANONICALIZE, Fixtures.text("declared-as-nft-prints-it.txt"))
        .on(List.of("sh", "-c"), NftablesCacheTest::local);
  }

  private static ExecResult local(Command command) {
    try {
      return LOCAL.run(command);
    } catch (ExecException e) {
      throw new AssertionError(e);
    }
  }

  private Planned<NftState, NftPlan> plan(FakeExecutor target) throws Exception {
    return new Declared<>(new NftablesResource(new CanonicalCache(dir.resolve("c"))), declared())
        .plan(target);
  }

  private static long canonicalizations(FakeExecutor target) {
    return target.argvs().stream().filter(a -> a.get(0).equals("unshare")).count();
  }

  @Test
  void anUnchangedDeclarationIsCanonicalizedOnceThenRemembered() throws Exception {
    FakeExecutor first = target("live-same-other-spellings.txt");
    Planned<NftState, NftPlan> made = plan(first);
    assertThat(made.inSync()).isTrue();
    assertThat(canonicalizations(first)).isEqualTo(1);
    assertThat(first.argvs()).hasSize(4); // read, lookup, canonicalize, store

    FakeExecutor second = target("live-same-other-spellings.txt");
    Planned<NftState, NftPlan> remembered = plan(second);
    assertThat(remembered.inSync()).isTrue();
    assertThat(canonicalizations(second)).isZero();
    assertThat(second.argvs()).hasSize(2); // read, lookup
    assertThat(remembered.canonical()).isEqualTo(made.canonical());
  }

  @Test
  void aRememberedFormThatShowsAChangeIsNotWhatThePlanIsMadeOf() throws Exception {
    plan(target("live-same-other-spellings.txt"));
    // Poison the entry (the right owner and mode, so it is read): another mark for wan0.
    Path entry;
    try (Stream<Path> files = Files.list(dir.resolve("c"))) {
      entry =
          files
              .filter(p -> p.getFileName().toString().startsWith("nftables-"))
              .findFirst()
              .orElseThrow();
    }
    Files.writeString(
        entry,
        Files.readString(entry).replace("meta mark set 0x0000000a", "meta mark set 0x00000063"));

    FakeExecutor poisoned = target("live-same-other-spellings.txt");
    Planned<NftState, NftPlan> planned = plan(poisoned);
    // The remembered form differs from the host, so nft canonicalizes for real: no change.
    assertThat(canonicalizations(poisoned)).isEqualTo(1);
    assertThat(planned.inSync()).isTrue();
    assertThat(planned.commands()).isEmpty();
    // ... and the real form replaced the poisoned entry.
    assertThat(Files.readString(entry)).doesNotContain("0x00000063");
  }

  @Test
  void aChangedHostIsPlannedFromTheRealCanonicalForm() throws Exception {
    plan(target("live-same-other-spellings.txt"));
    FakeExecutor changed = target("live-one-rule-changed.txt");
    Planned<NftState, NftPlan> planned = plan(changed);
    assertThat(planned.inSync()).isFalse();
    assertThat(canonicalizations(changed)).isEqualTo(1);
    // Planned from nft's own listing of the declaration, as without a cache.
    Planned<NftState, NftPlan> uncached =
        new Declared<>(new NftablesResource(CanonicalCache.NONE), declared())
            .plan(target("live-one-rule-changed.txt"));
    assertThat(planned.commands()).isEqualTo(uncached.commands());
  }
}
