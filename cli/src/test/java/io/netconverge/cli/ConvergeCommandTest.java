package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages that need no kernel: usage errors and file validation. */
class ConvergeCommandTest {

  record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ConvergeCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    Run r = run("plan", "--frobnicate", "x.yaml");
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("Unknown option: '--frobnicate'");
    // The reason, the synopsis and a pointer: not the whole help.
    assertThat(r.err()).contains("Usage: converge plan").contains("Try 'converge plan --help'.");
    assertThat(r.err().lines().count()).isLessThan(8);
  }

  @Test
  void aMissingFileArgumentIsAUsageError() {
    assertThat(run("apply").code()).isEqualTo(64);
  }

  @Test
  void noSubcommandIsAUsageError() {
    assertThat(run().code()).isEqualTo(64);
  }

  @Test
  void sandboxAndNetnsTogetherIsAUsageError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, "apiVersion: netconverge/v1\nkind: HostState\n");
    Run r = run("apply", "--sandbox", "--netns", "x", file.toString());
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("--sandbox and --netns cannot be used together");
  }

  @Test
  void validateAcceptsAGoodFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ok.yaml");
    Files.writeString(
        file, "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n");
    Run r = run("validate", file.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("valid");
  }

  @Test
  void validateNamesFileLineAndFieldOfABadOne(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n"
            + "  net..ipv4: 2\n");
    Run r = run("validate", file.toString());
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err())
        .startsWith(file + ":5:3: sysctl[\"net..ipv4\"]: 'net..ipv4' is not a sysctl name");
  }

  @Test
  void anInvalidFileGivesOneJsonDocumentWithItsProblemsWhenJsonIsAsked(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net..ipv4: 2\n"
            + "ipRules:\n  - { priority: 5000000000, table: main }\n");
    for (String command : new String[] {"plan", "apply"}) {
      Run r = run(command, "--output", "json", "--netns", "nc-not-reached", file.toString());
      assertThat(r.code()).isEqualTo(65);
      com.fasterxml.jackson.databind.JsonNode doc =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
      assertThat(doc.path("command").asText()).isEqualTo(command);
      assertThat(doc.path("status").asText()).isEqualTo("invalid");
      assertThat(doc.path("hosts").isEmpty()).isTrue();
      assertThat(doc.path("problems"))
          .extracting(p -> p.path("line").asInt() + ":" + p.path("field").asText())
          .containsExactly("4:sysctl[\"net..ipv4\"]", "6:ipRules[0].priority");
      assertThat(r.err()).contains("bad.yaml:4:3:").contains("is not valid; nothing was run");
    }
    // Text output keeps stdout empty.
    assertThat(run("plan", "--netns", "nc-not-reached", file.toString()).out()).isEmpty();
  }

  private Run validate(Path dir, String body) throws Exception {
    Path file = dir.resolve("f.yaml");
    Files.writeString(file, "apiVersion: netconverge/v1\nkind: HostState\n" + body);
    return run("validate", file.toString());
  }

  @Test
  void aBadRoutePrefixPointsAtItsToField(@TempDir Path dir) throws Exception {
    Run r =
        validate(
            dir,
            "routeTables:\n  - id: 110\n    routes:\n"
                + "      - { to: default, via: 192.0.2.1 }\n"
                + "      - { to: 10.0.0.0/33, via: 192.0.2.1 }\n");
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err())
        .contains("f.yaml:7:15: routeTables[0].routes[1].to: '10.0.0.0/33': prefix length");
  }

  @Test
  void aRulePriorityOutOfRangePointsAtThePriority(@TempDir Path dir) throws Exception {
    Run r = validate(dir, "ipRules:\n  - { priority: 5000000000, table: main }\n");
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err()).contains("f.yaml:4:17: ipRules[0].priority: priority 5000000000 is out");
  }

  @Test
  void aRulePortZeroIsRefusedAtItsLineAsTheKernelWould(@TempDir Path dir) throws Exception {
    Run r =
        validate(
            dir,
            "ipRules:\n  - { priority: 1400, ipProto: tcp, dport: 0, table: main }\n"
                + "  - { priority: 1401, ipProto: tcp, sport: 0-5, table: main }\n"
                + "  - { priority: 1402, uidRange: 0-0, table: main }\n");
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err())
        .contains("f.yaml:4:5: ipRules[0]: dport '0' is not a valid range within 1..65535")
        .contains("f.yaml:5:5: ipRules[1]: sport '0-5' is not a valid range within 1..65535")
        .doesNotContain("uidRange");
  }

  @Test
  void aNumberBeyondLongIsSaidInTheFilesTerms(@TempDir Path dir) throws Exception {
    Run r = validate(dir, "ipRules:\n  - { priority: 99999999999999999999999, table: main }\n");
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err())
        .contains("f.yaml:4:17: ipRules[0].priority: 99999999999999999999999 is too large a number")
        .doesNotContain("Numeric value")
        .doesNotContain("of long");
  }

  @Test
  void aKeyWithALineBreakIsShownEscapedOnOneLine(@TempDir Path dir) throws Exception {
    Run r = validate(dir, "sysctl:\n  \"net.ipv4\\nip_forward\": 1\n");
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("f.yaml:4:3: sysctl[\"net.ipv4\\nip_forward\"]: 'net.ipv4\\nip");
  }

  @Test
  void everyProblemOfADualWanProfileIsReportedAtOnce(@TempDir Path dir) throws Exception {
    Run r =
        validate(
            dir,
            "dualWan:\n  backend: nftables\n  markMask: \"0xff\"\n  wans:\n"
                + "    - { name: isp1, interface: wan0, mark: 0x100, table: 110,"
                + " gateway: 198.51.100.1, address: 198.51.100.2/24 }\n"
                + "    - { name: isp2, interface: wan1, mark: 0x20, table: 120,"
                + " gateway: 203.0.113.1, address: 203.0.113.2/24 }\n"
                + "  balance:\n    weights: { isp1: 3, isp3: 1 }\n"
                + "  policies:\n    - { to: 198.18.0.0/24, use: isp9 }\n"
                + "    - { to: 2001:db8::/32, use: isp1 }\n"
                + "  portForwards:\n"
                + "    - { wan: isp7, protocol: tcp, port: 443, to: \"10.0.0.10:443\" }\n");
    assertThat(r.code()).isEqualTo(65);
    assertThat(
            r.err()
                .lines()
                .filter(l -> l.contains("f.yaml:"))
                .map(l -> l.replaceAll(".*f.yaml:(\\d+):.*", "$1")))
        .containsExactly("7", "10", "12", "13", "15");
    assertThat(r.err())
        .contains("dualWan.wans[0].mark: mark 0x100 has bits outside markMask")
        .contains("dualWan.balance.weights.isp3:")
        .contains("dualWan.policies[0].use: 'isp9'")
        .contains("dualWan.policies[1].use: WAN isp1 carries ipv4 only")
        .contains("dualWan.portForwards[0].wan: 'isp7'");
  }

  @Test
  void aMissingMarkMaskDoesNotHideTheOtherProblemsOfTheProfile(@TempDir Path dir) throws Exception {
    Run r =
        validate(
            dir,
            "dualWan:\n  backend: nftables\n  wans:\n"
                + "    - { name: isp1, interface: wan0, mark: 10, table: 110,"
                + " gateway: 198.51.100.1, address: 198.51.100.2/24 }\n"
                + "    - { name: isp2, interface: wan1, mark: 10, table: 255,"
                + " gateway: 203.0.113.1, address: 203.0.113.2/24 }\n");
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err().lines().filter(l -> l.contains("f.yaml:")))
        .hasSize(3)
        .anyMatch(l -> l.contains("dualWan: missing required key 'markMask'"))
        .anyMatch(l -> l.contains("dualWan.wans[1].mark: mark 0xa is already used"))
        .anyMatch(l -> l.contains("dualWan.wans[1].table: table 255 cannot be used"));
  }

  @Test
  void anUnknownKeyInAWanDoesNotHideTheMissingMarkMaskNorTheOtherWansProblems(@TempDir Path dir)
      throws Exception {
    Run r =
        validate(
            dir,
            "dualWan:\n  backend: nftables\n  wans:\n"
                + "    - { name: isp1, interface: wan0, mark: 10, table: 110,"
                + " gateway: 198.51.100.1, address: 198.51.100.2/24, bogus: 1 }\n"
                + "    - { name: isp2, interface: wan1, mark: 10, table: 255,"
                + " gateway: 203.0.113.1, address: 203.0.113.2/24 }\n");
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err().lines().filter(l -> l.contains("f.yaml:")))
        .hasSize(4)
        .anyMatch(l -> l.contains("f.yaml:4:3: dualWan: missing required key 'markMask'"))
        .anyMatch(l -> l.contains("f.yaml:6:") && l.contains("dualWan.wans[0].bogus"))
        .anyMatch(l -> l.contains("dualWan.wans[1].mark: mark 0xa is already used"))
        .anyMatch(l -> l.contains("dualWan.wans[1].table: table 255 cannot be used"));
  }

  @Test
  void oneWansMistypedFieldDoesNotHideTwoWansWithOneMark(@TempDir Path dir) throws Exception {
    Run r =
        validate(
            dir,
            "dualWan:\n  backend: nftables\n  markMask: \"0xff\"\n  wans:\n"
                + "    - { name: isp1, interface: wan0, mark: 10, table: 110,"
                + " gateway: 198.51.100.1, address: 198.51.100.2/24, bogus: 1 }\n"
                + "    - { name: isp2, interface: wan1, mark: 10, table: 120,"
                + " gateway: 203.0.113.1, address: 203.0.113.2/24 }\n"
                + "    - { name: isp3, interface: \"wan 2\", mark: 30, table: 130,"
                + " gateway: 192.0.2.1, address: 192.0.2.2/24 }\n");
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err().lines().filter(l -> l.contains("f.yaml:")))
        .hasSize(3)
        .anyMatch(l -> l.contains("dualWan.wans[1].mark: mark 0xa is already used"))
        .anyMatch(l -> l.contains("dualWan.wans[0].bogus: unknown key 'bogus'"))
        .anyMatch(l -> l.contains("dualWan.wans[2].interface: 'wan 2' is not an interface name"));
  }

  @Test
  void aMissingFileIsAnInvalidFile(@TempDir Path dir) {
    Run r = run("plan", dir.resolve("nope.yaml").toString());
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err()).contains("nope.yaml: no such file");
  }

  @Test
  void helpListsTheExitCodes() {
    Run r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("65", "invalid file").contains("75");
  }

  @Test
  void trustOptionsThatDoNotFitTogetherAreUsageErrors(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, "apiVersion: netconverge/v1\nkind: HostState\n");
    Run healthy = run("apply", "--confirm-when-healthy", file.toString());
    assertThat(healthy.code()).isEqualTo(64);
    assertThat(healthy.err()).contains("--confirm-when-healthy needs --confirm-timeout");
    Run serial = run("apply", "--serial", "2", file.toString());
    assertThat(serial.code()).isEqualTo(64);
    assertThat(serial.err()).contains("--serial rolls out the hosts of an inventory");
    Run percent = run("apply", "--max-fail-percent", "10", file.toString());
    assertThat(percent.code()).isEqualTo(64);
    assertThat(percent.err()).contains("--max-fail-percent needs --serial");
    Run duration = run("apply", "--confirm-timeout", "soon", file.toString());
    assertThat(duration.code()).isEqualTo(64);
    assertThat(duration.err()).contains("'soon' is not a duration");
    Run sandbox = run("apply", "--sandbox", "--confirm-timeout", "60s", file.toString());
    assertThat(sandbox.code()).isEqualTo(64);
  }

  @Test
  void durationsReadAsSecondsMinutesHours() {
    TrustOptions.DurationConverter c = new TrustOptions.DurationConverter();
    assertThat(c.convert("60s")).isEqualTo(java.time.Duration.ofSeconds(60));
    assertThat(c.convert("2m")).isEqualTo(java.time.Duration.ofMinutes(2));
    assertThat(c.convert("1h")).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(c.convert("90")).isEqualTo(java.time.Duration.ofSeconds(90));
  }

  /** Every subcommand the command has, read from it: a new one cannot be left out of the test. */
  static java.util.stream.Stream<String> subcommands() {
    // picocli's own `help` command prints its description before the usage.
    return ConvergeCommand.commandLine().getSubcommands().keySet().stream()
        .filter(name -> !name.equals("help"));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("subcommands")
  void everySubcommandHasHelpThatExitsZero(String subcommand) {
    Run r = run(subcommand, "--help");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("Usage: converge " + subcommand);
    assertThat(r.err()).isEmpty();
  }

  @Test
  void theCommandListShowsEachSubcommandAsOneWholeSentence() {
    java.util.List<String> help = run("--help").out().lines().toList();
    for (String sub : java.util.List.of("watch", "status", "validate", "plan", "apply")) {
      int at =
          help.indexOf(
              help.stream().filter(l -> l.startsWith("  " + sub + " ")).findFirst().orElseThrow());
      StringBuilder entry = new StringBuilder(help.get(at).strip());
      // Continuation lines of the same entry are indented past the command names.
      for (int i = at + 1; i < help.size() && help.get(i).startsWith("              "); i++) {
        entry.append(' ').append(help.get(i).strip());
      }
      assertThat(entry.toString()).as(sub).endsWith(".");
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"watch", "status", "validate"})
  void helpParagraphsAreWrappedByTheTerminalWidthNotBrokenMidSentence(String subcommand) {
    java.util.List<String> lines = run(subcommand, "--help").out().lines().toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      String line = lines.get(i);
      String next = lines.get(i + 1).strip();
      boolean continuesASentence = !next.isEmpty() && Character.isLowerCase(next.charAt(0));
      if (continuesASentence && !line.strip().startsWith("-")) {
        // A wrapped line is filled up to the width; a hard break leaves it short.
        assertThat(line.length() + 1 + next.split(" ")[0].length())
            .as("line %d of %s --help: %s", i, subcommand, line)
            .isGreaterThan(78);
      }
    }
  }

  @Test
  void helpOfASubcommandThroughTheHelpCommand() {
    Run r = run("help", "facts");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("Usage: converge facts");
  }

  @Test
  void aRunNamingASubcommandBuildsOnlyThatOneAndAnyOtherRunBuildsThemAll() {
    assertThat(ConvergeCommand.commandLine("plan", "x.yaml").getSubcommands().keySet())
        .containsExactly("plan");
    java.util.List<String> all = java.util.List.copyOf(ConvergeCommand.SUBCOMMANDS.keySet());
    assertThat(ConvergeCommand.commandLine().getSubcommands().keySet())
        .containsExactlyElementsOf(all);
    assertThat(ConvergeCommand.commandLine("-v", "plan").getSubcommands().keySet())
        .containsExactlyElementsOf(all);
    assertThat(ConvergeCommand.commandLine("help", "plan").getSubcommands().keySet())
        .containsExactlyElementsOf(all);
    assertThat(ConvergeCommand.commandLine("pla", "x.yaml").getSubcommands().keySet())
        .containsExactlyElementsOf(all);
  }

  @Test
  void eachSubcommandIsListedUnderItsOwnName() {
    ConvergeCommand.SUBCOMMANDS.forEach(
        (name, command) ->
            assertThat(new picocli.CommandLine(command.get()).getCommandName()).isEqualTo(name));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"plan", "apply", "confirm", "validate", "facts", "watch", "status", "test"})
  void aSubcommandBuiltAloneHasTheHelpItHasAmongAll(String subcommand) {
    picocli.CommandLine alone =
        ConvergeCommand.commandLine(subcommand).getSubcommands().get(subcommand);
    picocli.CommandLine amongAll = ConvergeCommand.commandLine().getSubcommands().get(subcommand);
    assertThat(alone.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF))
        .startsWith("Usage: converge " + subcommand)
        .isEqualTo(amongAll.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF));
    Run wrong = run(subcommand, "--frobnicate", "x");
    assertThat(wrong.code()).isEqualTo(64);
    assertThat(wrong.err()).contains("Usage: converge " + subcommand);
  }

  @Test
  void theDocumentedModelHasEverySubcommandTheRunKnows() {
    picocli.CommandLine documented = new picocli.CommandLine(new ConvergeCommand.Documented());
    assertThat(documented.getCommandName()).isEqualTo("converge");
    assertThat(documented.getSubcommands().keySet())
        .containsExactlyElementsOf(ConvergeCommand.SUBCOMMANDS.keySet());
    assertThat(documented.getSubcommands().get("plan").getCommandSpec().qualifiedName())
        .isEqualTo("converge plan");
    assertThat(documented.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF))
        .isEqualTo(
            ConvergeCommand.commandLine().getUsageMessage(picocli.CommandLine.Help.Ansi.OFF));
  }

  @Test
  void aMistypedSubcommandIsAUsageErrorThatListsTheRealOnes() {
    Run r = run("pla", "x.yaml");
    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).contains("plan", "apply", "status");
  }

  @Test
  void planAndApplyTakeANamesFolderAndVerbose() {
    assertThat(run("plan", "--help").out()).contains("--names-dir=DIR").contains("--verbose");
    assertThat(run("apply", "--help").out()).contains("--names-dir=DIR");
    assertThat(run("validate", "--help").out()).contains("--names-dir=DIR");
  }

  @Test
  void validateListsEveryProblemOfTheFileSortedByLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nrouteTables:\n"
            + "  - { name: isp1, id: 255 }\nsysctl:\n  net..x: 1\nipRules:\n"
            + "  - { priority: 10, table: 5, colour: red }\n");
    Run r = run("validate", file.toString());
    assertThat(r.code()).isEqualTo(65);
    assertThat(r.err().lines().toList())
        .hasSize(3)
        .satisfies(l -> assertThat(l.get(0)).startsWith(file + ":4:5: routeTables[0]: table 255"))
        .satisfies(l -> assertThat(l.get(1)).startsWith(file + ":6:3: sysctl[\"net..x\"]"))
        .satisfies(
            l -> assertThat(l.get(2)).startsWith(file + ":8:31: ipRules[0].colour: unknown key"));
  }

  @Test
  void validateSaysWhatItCheckedAndAMisspelledSysctlIsInvalid(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(
        file,
        "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n"
            + "  net.ipv4.conf.wan0.rp_filtr: 2\n");
    Run bad = run("validate", file.toString());
    assertThat(bad.code()).as(bad.err()).isEqualTo(65);
    assertThat(bad.err())
        .startsWith(
            file
                + ":5:32: sysctl[\"net.ipv4.conf.wan0.rp_filtr\"]: no such sysctl (checked as"
                + " net.ipv4.conf.default.rp_filtr) in this machine's kernel; is it misspelled?")
        .contains("checked: 2 sysctl names, against /proc/sys of this network namespace");
    Files.writeString(file, Files.readString(file).replace("rp_filtr", "rp_filter"));
    Run good = run("validate", file.toString());
    assertThat(good.code()).as(good.err()).isZero();
    assertThat(good.out()).startsWith(file + ": valid\n").contains("checked: 2 sysctl names");
  }

  @Test
  void watchAndStatusRefuseTheSameMistakesWithTheSameCodes(@TempDir Path dir) throws Exception {
    Path plain = dir.resolve("plain.yaml");
    Files.writeString(
        plain, "apiVersion: netconverge/v1\nkind: HostState\nsysctl:\n  net.ipv4.ip_forward: 1\n");
    Path inventory = dir.resolve("fleet.yaml");
    Files.writeString(
        inventory,
        "apiVersion: netconverge/v1\nkind: Inventory\nhosts:\n  a:\n    target: {netns: a}\n"
            + "    state: plain.yaml\n");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: netconverge/v1\nkind: HostState\nsysctl: [\n");
    for (String command : new String[] {"watch", "status"}) {
      Run noWans = run(command, plain.toString());
      assertThat(noWans.code()).as(command + " without dualWan: " + noWans).isEqualTo(64);
      assertThat(noWans.err()).contains("has no dualWan profile");
      Run fleet = run(command, inventory.toString());
      assertThat(fleet.code()).as(command + " on an inventory: " + fleet).isEqualTo(64);
      assertThat(fleet.err()).contains("not an inventory");
      Run invalid = run(command, bad.toString());
      assertThat(invalid.code()).as(command + " on a broken file: " + invalid).isEqualTo(65);
      assertThat(invalid.err()).contains(bad + ":");
    }
  }
}
