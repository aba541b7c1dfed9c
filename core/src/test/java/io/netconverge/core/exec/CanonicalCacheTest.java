package io.netconverge.core.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The canonical cache's scripts run for real (sh, stat, cat) against a temporary directory: what it
 * reads back, and every kind of entry it must not read.
 */
class CanonicalCacheTest {

  private static final String V1 = "echo 'nftables v1.0.6 (Lester Gooch #5)'";
  private static final String V2 = "echo 'nftables v1.0.9 (Old Doc Yak #3)'";

  private final Executor local = new LocalExecutor();
  private final CanonicalCache.Key key =
      new CanonicalCache.Key("nftables", List.of("sh", "-c", "nft -f -"), "table inet t {\n}\n");
  private final String output = "table inet t {\n\tcomment \"netconverge\"\n}\n";

  @TempDir Path tmp;
  private Path dir;
  private CanonicalCache cache;

  @BeforeEach
  void setUp() {
    dir = tmp.resolve("run/netconverge/canonical");
    cache = new CanonicalCache(dir);
  }

  private Optional<String> lookup(String version) {
    return cache.lookup(local, version, List.of(key)).output(key);
  }

  private Path entry() {
    return dir.resolve(key.name());
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void aStoredOutputIsFoundAgainWithTheFilesModesExplicit() throws Exception {
    assertThat(lookup(V1)).isEmpty();
    cache.store(local, V1, key, output);
    assertThat(lookup(V1)).contains(output);
    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(mode(entry())).isEqualTo("rw-------");
    assertThat(Files.readString(entry()))
        .startsWith(CanonicalCache.MAGIC + "\nkey " + key.name() + "\nkernel ")
        .contains("\ntool nftables v1.0.6 (Lester Gooch #5)\n--\n")
        .endsWith(output);
    // Another declaration is another entry.
    CanonicalCache.Key other =
        new CanonicalCache.Key("nftables", key.argv(), "table inet u {\n}\n");
    assertThat(cache.lookup(local, V1, List.of(key, other)).output(other)).isEmpty();
    assertThat(cache.lookup(local, V1, List.of(key, other)).output(key)).contains(output);
  }

  @Test
  void anOutputWithoutAFinalLineBreakComesBackAsItWas() {
    cache.store(local, V1, key, "no line break");
    assertThat(lookup(V1)).contains("no line break");
  }

  @Test
  void anotherToolVersionMisses() {
    cache.store(local, V1, key, output);
    assertThat(lookup(V2)).isEmpty();
    cache.store(local, V2, key, "other form\n");
    assertThat(lookup(V2)).contains("other form\n");
    assertThat(lookup(V1)).isEmpty();
  }

  @Test
  void aFileOfAnotherUserIsNotRead() throws Exception {
    assumeTrue(isRoot(), "chown needs root");
    cache.store(local, V1, key, output);
    local.check("chown", "65534", entry().toString());
    assertThat(lookup(V1)).isEmpty();
  }

  @Test
  void aFileOthersMayReadOrWriteIsNotRead() throws Exception {
    cache.store(local, V1, key, output);
    Files.setPosixFilePermissions(entry(), PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(lookup(V1)).isEmpty();
    Files.setPosixFilePermissions(entry(), PosixFilePermissions.fromString("rw-rw-rw-"));
    assertThat(lookup(V1)).isEmpty();
  }

  @Test
  void aLinkIsNotFollowed() throws Exception {
    cache.store(local, V1, key, output);
    Path elsewhere = dir.resolve("elsewhere");
    Files.move(entry(), elsewhere);
    Files.createSymbolicLink(entry(), elsewhere);
    assertThat(lookup(V1)).isEmpty();
    // A second name of the same file (a hard link someone else made) is refused too.
    Files.delete(entry());
    Files.createLink(entry(), elsewhere);
    assertThat(lookup(V1)).isEmpty();
  }

  @Test
  void storingReplacesALinkInsteadOfWritingThroughIt() throws Exception {
    Path target = tmp.resolve("target");
    Files.writeString(target, "untouched");
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.createSymbolicLink(entry(), target);
    cache.store(local, V1, key, output);
    assertThat(Files.readString(target)).isEqualTo("untouched");
    assertThat(Files.isSymbolicLink(entry())).isFalse();
    assertThat(lookup(V1)).contains(output);
  }

  @Test
  void aDirectoryOthersMayWriteIsNeitherReadNorWritten() throws Exception {
    cache.store(local, V1, key, output);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(lookup(V1)).isEmpty();
    Files.delete(entry());
    cache.store(local, V1, key, output);
    assertThat(Files.exists(entry())).isFalse();
  }

  @Test
  void aDirectoryOthersMayOnlyReadIsNarrowedWhenWritten() throws Exception {
    cache.store(local, V1, key, output);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(lookup(V1)).as("not read while others may list it").isEmpty();
    cache.store(local, V1, key, output);
    assertThat(mode(dir)).isEqualTo("rwx------");
    assertThat(lookup(V1)).contains(output);
  }

  @Test
  void aLinkedDirectoryIsNeitherReadNorWritten() throws Exception {
    Path real = tmp.resolve("real");
    new CanonicalCache(real).store(local, V1, key, output);
    Files.createDirectories(dir.getParent());
    Files.createSymbolicLink(dir, real);
    assertThat(lookup(V1)).isEmpty();
    Files.delete(real.resolve(key.name()));
    cache.store(local, V1, key, output);
    assertThat(Files.exists(real.resolve(key.name()))).isFalse();
  }

  @Test
  void aFileThatIsNotThisKeysEntryIsNotUsed() throws Exception {
    cache.store(local, V1, key, output);
    String text = Files.readString(entry());
    // Another key's header, an entry of another format, plain text: all misses.
    for (String poisoned :
        List.of(
            text.replace("key " + key.name(), "key nftables-0000"),
            text.replace(CanonicalCache.MAGIC, "netconverge canonical 0"),
            "table inet t {\n}\n")) {
      Files.writeString(entry(), poisoned);
      Files.setPosixFilePermissions(entry(), PosixFilePermissions.fromString("rw-------"));
      assertThat(lookup(V1)).as(poisoned).isEmpty();
    }
  }

  @Test
  void noCacheRunsNothing() {
    FakeExecutorLike none = new FakeExecutorLike();
    CanonicalCache.NONE.store(none, V1, key, output);
    assertThat(CanonicalCache.NONE.lookup(none, V1, List.of(key)).output(key)).isEmpty();
    assertThat(none.runs).isZero();
  }

  @Test
  void theLookupsOutputIsReadByItsBoundaryOnly() {
    String env = "kernel 6.1.0\ntool nftables v1.0.6\n";
    String body = CanonicalCache.MAGIC + "\nkey " + key.name() + "\n" + env + "--\n" + output;
    String stdout =
        env
            + "@@b entry "
            + key.name()
            + "\n"
            + body
            + "\n@@b end\n"
            // An entry the lookup was not asked for, and one cut short, are ignored.
            + "@@b entry nftables-other\nx\n@@b end\n"
            + "@@b entry "
            + key.name();
    CanonicalCache.Lookup lookup = CanonicalCache.parse(stdout, "@@b", Map.of(key.name(), key));
    assertThat(lookup.output(key)).contains(output);
    CanonicalCache.Lookup otherKernel =
        CanonicalCache.parse(
            stdout.replaceFirst("kernel 6.1.0", "kernel 6.12.0"), "@@b", Map.of(key.name(), key));
    assertThat(otherKernel.output(key)).isEmpty();
  }

  @Test
  void keysAreNamedByProgramAndText() {
    assertThat(key.name()).matches("nftables-[0-9a-f]{64}");
    assertThat(new CanonicalCache.Key("nftables", key.argv(), key.stdin()).name())
        .isEqualTo(key.name());
    assertThat(new CanonicalCache.Key("nftables", List.of("sh"), key.stdin()).name())
        .isNotEqualTo(key.name());
    assertThat(new CanonicalCache.Key("iptables", key.argv(), key.stdin()).name())
        .isNotEqualTo(key.name());
  }

  private static boolean isRoot() {
    try {
      return new LocalExecutor().check("id", "-u").stdout().strip().equals("0");
    } catch (ExecException e) {
      return false;
    }
  }

  /** Counts what it is asked to run, and runs nothing. */
  private static final class FakeExecutorLike implements Executor {
    int runs;

    @Override
    public ExecResult run(Command command) {
      runs++;
      return new ExecResult(1, "", "");
    }

    @Override
    public String describe() {
      return "counting";
    }
  }
}
