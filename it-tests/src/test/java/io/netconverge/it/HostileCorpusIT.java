package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.LocalExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Files written as a hostile or careless user would, one per case under {@code
 * src/test/resources/hostile/<boundary>/}, each saying what must happen in its header:
 *
 * <pre>
 * # expect: 65              65 or 64: refused; "contained": it may run, and changes only its own
 * # exit: 0                 with contained: the exit code (default 0)
 * # line: 7                 the message names FILE:7 (65)
 * # message: some text      the message says this (any number of lines)
 * # run: validate           validate (default for 64/65): no namespace at all; the file is also
 *                           planned against a namespace that does not exist, which only a file
 *                           refused before touching any target survives with 64/65
 *                           netns: applied (args: default "apply --netns {ns} {file}") to a fresh
 *                           namespace seeded with foreign objects
 *                           env: the case is a shell script run in a private mount namespace
 *                           (unshare -m) against a seeded namespace; it exits 0 when its own
 *                           checks hold. It sources $PREAMBLE (hostile-env/preamble.sh) first
 * # args: plan --netns a/b {file}   the command line, with {file} {ns} {dir} {fifo} {big}
 * # owns: REGEX             dump lines the file may change (contained); "nft: inet t" a table
 * # absent: text            the output must not contain this (another file's content)
 * </pre>
 *
 * For every case: the exit code, no Java stack trace, and for a namespace the dump (sysctls, rules,
 * routes, nft, iptables and ip6tables in both backends) unchanged except what the file owns; every
 * case that is not contained leaves the namespace exactly as it was.
 */
class HostileCorpusIT {

  private static final Path CORPUS =
      Cli.root().resolve("it-tests/src/test/resources/hostile").normalize();
  private static final LocalExecutor HOST = new LocalExecutor();

  /** What every environment case sources first: its own /run, the state file, converge, fail. */
  private static final Path ENV_PREAMBLE =
      Cli.root().resolve("it-tests/src/test/resources/hostile-env/preamble.sh").normalize();

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Objects that belong to someone else, in every place netconverge writes to. */
  private static final String SEED_NFT =
      "table inet ct_foreign {\n"
          + "  set blocked { type ipv4_addr; elements = { 192.0.2.66 }; }\n"
          + "  chain input { type filter hook input priority 10; policy accept;"
          + " ip saddr @blocked counter drop; }\n"
          + "}\n"
          + "table ip ct_other { chain post { type nat hook postrouting priority 100;"
          + " oifname \"ctf0\" masquerade; }\n}\n";

  private static final String SEED_IPTABLES =
      "*filter\n:CT-FOREIGN - [0:0]\n-A CT-FOREIGN -s 192.0.2.1/32 -j DROP\n"
          + "-A INPUT -j CT-FOREIGN\nCOMMIT\n"
          + "*mangle\n:CT-FOREIGN - [0:0]\n-A CT-FOREIGN -j MARK --set-mark 0x7\n"
          + "-A PREROUTING -j CT-FOREIGN\nCOMMIT\n"
          + "*nat\n:CT-FOREIGN - [0:0]\n-A CT-FOREIGN -p tcp --dport 8080 -j REDIRECT --to-ports 80\n"
          + "-A PREROUTING -j CT-FOREIGN\nCOMMIT\n"
          + "*raw\n:CT-FOREIGN - [0:0]\n-A CT-FOREIGN -j CT --notrack\n"
          + "-A PREROUTING -j CT-FOREIGN\nCOMMIT\n";

  record Case(String name, Path file, Map<String, List<String>> header) {
    String first(String key, String otherwise) {
      List<String> values = header.get(key);
      return values == null || values.isEmpty() ? otherwise : values.get(0);
    }

    List<String> all(String key) {
      return header.getOrDefault(key, List.of());
    }

    String expect() {
      return first("expect", "65");
    }

    String run() {
      return first("run", expect().equals("contained") ? "netns" : "validate");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** {@code -Dnetconverge.hostile=iptables/} runs only the cases whose path contains that. */
  static Stream<Case> cases() throws IOException {
    String only = System.getProperty("netconverge.hostile", "");
    List<Case> all = new ArrayList<>();
    try (Stream<Path> files = Files.walk(CORPUS)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = CORPUS.relativize(f).toString();
        if (name.contains(only)) {
          all.add(new Case(name, f, header(f)));
        }
      }
    }
    return all.stream();
  }

  private static final Pattern HEADER = Pattern.compile("^# ([a-z]+): ?(.*)$");

  static Map<String, List<String>> header(Path file) throws IOException {
    Map<String, List<String>> header = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, java.nio.charset.StandardCharsets.ISO_8859_1)) {
      if (line.startsWith("#!")) {
        continue;
      }
      Matcher m = HEADER.matcher(line);
      if (!m.matches()) {
        break;
      }
      header.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(m.group(2).strip());
    }
    return header;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedOrContained(Case c, @TempDir Path dir) throws Exception {
    switch (c.run()) {
      case "validate" -> refusedBeforeAnyTarget(c, dir);
      case "netns" -> inSeededNamespace(c, dir, ns -> command(c, dir, ns));
      case "env" -> inSeededNamespace(c, dir, ns -> environment(c, dir, ns));
      default -> throw new AssertionError(c + ": unknown run: " + c.run());
    }
  }

  private void refusedBeforeAnyTarget(Case c, Path dir) throws Exception {
    int code = Integer.parseInt(c.expect());
    List<Cli> runs = new ArrayList<>();
    if (c.header.containsKey("args")) {
      runs.add(Cli.run(args(c, dir, "ct-absent-namespace")));
    } else {
      runs.add(Cli.run("validate", c.file.toString()));
      if (Files.readString(c.file, java.nio.charset.StandardCharsets.ISO_8859_1)
          .contains("kind: Inventory")) {
        // No such host: an inventory that loaded would stop at --limit with 64, before any host.
        runs.add(Cli.run("plan", "--limit", "ct-absent-host", c.file.toString()));
      } else {
        // No such namespace: a file that got as far as a target would fail there with 1.
        runs.add(Cli.run("plan", "--netns", "ct-absent-namespace", c.file.toString()));
      }
    }
    for (Cli run : runs) {
      assertThat(run.exitCode()).as(c + "\n" + run).isEqualTo(code);
      checkMessage(c, run);
    }
  }

  private Cli command(Case c, Path dir, TestNamespace ns) throws Exception {
    Cli run = Cli.run(args(c, dir, ns.name()));
    String expect = c.expect();
    int code =
        expect.equals("contained")
            ? Integer.parseInt(c.first("exit", "0"))
            : Integer.parseInt(expect);
    assertThat(run.exitCode()).as(c + "\n" + run).isEqualTo(code);
    checkMessage(c, run);
    return run;
  }

  private Cli environment(Case c, Path dir, TestNamespace ns) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String converge =
        java
            + " -cp "
            + System.getProperty("java.class.path")
            + " -Dnetconverge.iproute2.dir="
            + dir.resolve("iproute2")
            + " io.netconverge.cli.ConvergeCommand";
    ExecResult r =
        HOST.run(
            new Command(
                List.of(
                    "unshare",
                    "-m",
                    "--propagation",
                    "private",
                    "env",
                    "CONVERGE=" + converge,
                    "NS=" + ns.name(),
                    "DIR=" + dir,
                    "PREAMBLE=" + ENV_PREAMBLE,
                    "sh",
                    "-eu",
                    c.file.toString()),
                null,
                Duration.ofMinutes(2)));
    Cli run = new Cli(r.exitCode(), r.stdout(), r.stderr());
    assertThat(r.exitCode()).as(c + "\n" + run).isZero();
    checkMessage(c, run);
    return run;
  }

  interface Body {
    Cli run(TestNamespace ns) throws Exception;
  }

  private void inSeededNamespace(Case c, Path dir, Body body) throws Exception {
    Assumptions.assumeTrue(
        HOST.run(Command.of("sh", "-c", "command -v nft && command -v iptables-restore")).ok(),
        "nft and iptables are needed");
    byte[] id = new byte[3];
    RANDOM.nextBytes(id);
    String name = "ct-hostile-" + HexFormat.of().formatHex(id);
    TestNamespace.hostRun("ip", "netns", "add", name);
    TestNamespace ns = new TestNamespace(name);
    boolean failed = true;
    try {
      seed(ns);
      String before = ns.dump();
      Cli run = body.run(ns);
      String after = ns.dump();
      if (c.expect().equals("contained")) {
        assertThat(withoutOwned(c, after)).as(c + "\n" + run).isEqualTo(withoutOwned(c, before));
      } else {
        assertThat(withoutOwned(c, after))
            .as(c + ": a refused file changes nothing\n" + run)
            .isEqualTo(withoutOwned(c, before));
      }
      failed = false;
    } finally {
      if (!failed || !Boolean.getBoolean("netconverge.keepNamespaces")) {
        TestNamespace.hostRun("ip", "netns", "del", name);
      }
    }
  }

  private static void seed(TestNamespace ns) {
    ns.run("ip", "link", "set", "lo", "up");
    ns.resetSysctlBaseline();
    // Addresses usable at once (no duplicate address detection): dumps need not wait for it.
    ns.run(
        "sysctl",
        "-q",
        "-w",
        "net.ipv6.conf.all.accept_dad=0",
        "net.ipv6.conf.default.accept_dad=0");
    ns.addVethPair("ctf0", "ctf1");
    ns.run("ip", "addr", "add", "198.51.100.2/24", "dev", "ctf0");
    ns.run("ip", "route", "add", "10.9.0.0/16", "via", "198.51.100.1", "table", "200");
    ns.run("ip", "route", "add", "10.8.0.0/16", "dev", "ctf0", "mtu", "1400", "table", "110");
    ns.run("ip", "rule", "add", "pref", "700", "tos", "0x10", "lookup", "110");
    ns.run("ip", "rule", "add", "pref", "800", "from", "10.9.0.0/16", "lookup", "200");
    ns.run("ip", "rule", "add", "pref", "900", "iif", "ctf1", "lookup", "200", "proto", "static");
    ns.run("sysctl", "-q", "-w", "net.ipv4.ip_forward=1", "net.ipv4.conf.ctf0.rp_filter=1");
    ns.runWithStdin(SEED_NFT, "nft", "-f", "-");
    ns.runWithStdin(SEED_IPTABLES, "iptables-restore", "--noflush");
    ns.runWithStdin(
        SEED_IPTABLES
            .replace("192.0.2.1/32", "2001:db8::1/128")
            .replace("-A CT-FOREIGN -p tcp --dport 8080 -j REDIRECT --to-ports 80\n", ""),
        "ip6tables-restore",
        "--noflush");
  }

  /** The dump without the lines a contained file may change. */
  private static String withoutOwned(Case c, String dump) {
    // Packets (neighbour discovery on the seeded veth pair) move counters: not a change.
    String text = dump.replaceAll("packets \\d+ bytes \\d+", "packets N bytes N");
    List<Pattern> lines = new ArrayList<>();
    for (String own : c.all("owns")) {
      if (own.startsWith("nft: ")) {
        String table = Pattern.quote(own.substring(5).strip());
        text = text.replaceAll("(?ms)^table " + table + " \\{\n.*?^}\n", "");
      } else if (own.startsWith("chain: ")) {
        // An owned iptables chain, as nft lists iptables-nft's tables.
        String chain = Pattern.quote(own.substring(7).strip());
        text = text.replaceAll("(?ms)^\\tchain " + chain + " \\{\n.*?^\\t}\n", "");
      } else {
        lines.add(Pattern.compile(own));
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String line : text.split("\n")) {
      // nft's note on iptables-nft's tables, and blank lines between chains, come and go with
      // the chains listed.
      if (line.isBlank() || line.strip().startsWith("# Warning: table")) {
        continue;
      }
      if (lines.stream().noneMatch(p -> p.matcher(line).find())) {
        sb.append(line).append('\n');
      }
    }
    return sb.toString();
  }

  private static void checkMessage(Case c, Cli run) {
    String all = run.out() + run.err();
    assertThat(all)
        .as(c + ": no stack trace\n" + run)
        .doesNotContainPattern("\\n\\s+at [\\w.$]+\\(");
    assertThat(all).as(c + "\n" + run).doesNotContain("internal error");
    String line = c.first("line", null);
    if (line != null) {
      assertThat(run.err()).as(c + "\n" + run).contains(c.file + ":" + line);
    }
    for (String m : c.all("message")) {
      assertThat(all).as(c + "\n" + run).contains(m);
    }
    for (String m : c.all("absent")) {
      assertThat(all).as(c + ": must not be said\n" + run).doesNotContain(m);
    }
  }

  private static String[] args(Case c, Path dir, String ns) throws Exception {
    String line = c.first("args", "apply --netns {ns} {file}");
    List<String> argv = new ArrayList<>();
    for (String word : line.split(" ")) {
      argv.add(expand(word, c, dir, ns));
    }
    return argv.toArray(String[]::new);
  }

  private static String expand(String word, Case c, Path dir, String ns) throws Exception {
    return switch (word) {
      case "{file}" -> c.file.toString();
      case "{ns}" -> ns;
      case "{dir}" -> dir.toString();
      case "{empty}" -> "";
      case "{fifo}" -> {
        Path fifo = dir.resolve("fifo.yaml");
        HOST.check("mkfifo", fifo.toString());
        yield fifo.toString();
      }
      case "{big}" -> {
        Path big = dir.resolve("big.yaml");
        StringBuilder sb =
            new StringBuilder("apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n");
        while (sb.length() <= 4 * 1024 * 1024) {
          sb.append("  net.ipv4.ip_forward: 1 # ").append("x".repeat(200)).append('\n');
        }
        Files.writeString(big, sb);
        yield big.toString();
      }
      default -> word;
    };
  }
}
