package io.netconverge.iptables;

import io.netconverge.core.engine.DeclarationRejectedException;
import io.netconverge.core.engine.Diff;
import io.netconverge.core.engine.ResourceModule;
import io.netconverge.core.exec.BatchInput;
import io.netconverge.core.exec.CanonicalCache;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.ThrowAwayNamespace;
import io.netconverge.core.net.Family;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.core.spec.SpecSource;
import io.netconverge.core.spec.TextOrigin;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Owned iptables and ip6tables chains, each with one owned jump from a built-in chain.
 *
 * <p>Read, in a constant number of processes: {@code iptables --version} (which backend the host
 * uses), one {@code *-save} per family, and per family with declared chains one throw-away network
 * namespace ({@code unshare -n}) where the declared chains are loaded with {@code *-restore} and
 * printed back with {@code *-save}. That printed form is the canonical one: {@code --set-mark 10}
 * comes back as {@code --set-xmark 0xa/0xffffffff}, {@code -s 10.31.66.9/24} as {@code -s
 * 10.31.66.0/24}, exactly as the host prints its live rules, so nothing is guessed. A rule the
 * host's iptables rejects there fails the plan before anything is touched, naming the rule and its
 * line in the file.
 *
 * <p>Write: one {@code *-restore --noflush} per family with changes, all tables in it.
 */
public final class IptablesResource implements ResourceModule<IptablesState, IptablesBatches> {

  /** A fixed script: the data (the rules) only ever travels on stdin. */
  private static final String CANONICALIZE = "\"$1\" && exec \"$2\"";

  private static final Pattern TOOL_PREFIX = Pattern.compile("^\\S+ v[0-9.]+( \\([^)]*\\))?: ");
  private static final Pattern QUOTED = Pattern.compile("[`'\"]([^`'\"\\s]+)['\"]");

  /** The tool version an entry of the canonical cache is made with. */
  static final String VERSION_COMMAND = "iptables -V";

  private final IptablesBackend forced;
  private final SpecSource source;
  private final CanonicalCache cache;
  private final ChainSweep sweep;

  /**
   * @param forced the backend to use; null to detect it on each host
   * @param source the file the chains were declared in, to name a rejected rule's line
   * @param cache where the target remembers canonical forms
   */
  public IptablesResource(IptablesBackend forced, SpecSource source, CanonicalCache cache) {
    this(forced, source, cache, ChainSweep.ALL);
  }

  /**
   * @param sweep which owned chains no longer declared are removed; a {@link ChainSweep#partial()
   *     partial} one also lets a host without iptables converge (there is nothing to remove)
   */
  public IptablesResource(
      IptablesBackend forced, SpecSource source, CanonicalCache cache, ChainSweep sweep) {
    this.forced = forced;
    this.source = source;
    this.cache = cache;
    this.sweep = sweep;
  }

  /** Only removes the owned chains {@code sweep} covers, when the host has them. */
  public static IptablesResource sweeping(ChainSweep sweep, SpecSource source) {
    return new IptablesResource(null, source, CanonicalCache.standard(), sweep);
  }

  /** With the target's {@link CanonicalCache#standard() standard} canonical cache. */
  public IptablesResource(IptablesBackend forced, SpecSource source) {
    this(forced, source, CanonicalCache.standard());
  }

  public IptablesResource(SpecSource source) {
    this(null, source);
  }

  @Override
  public String kind() {
    return "iptables";
  }

  @Override
  public IptablesState read(Executor executor, IptablesState declared) throws ExecException {
    IptablesBackend preferred;
    Map<Family, SavedRuleset> saved = new EnumMap<>(Family.class);
    if (forced == null && sweep.partial() && declared.chains().isEmpty()) {
      // Only taking away: one process tells whether iptables is there (a host without it has
      // nothing of ours) and which backend, and saves both families.
      ExecResult result = executor.check(Command.of(SWEEP_READ));
      String[] parts = result.stdout().split("\n==> ", -1);
      if (parts[0].isBlank()) {
        return new IptablesState(
            List.of(), new IptablesState.Reading(Map.of(), Map.of(), Map.of(), Map.of()));
      }
      preferred = backendOf(executor, new ExecResult(0, parts[0], ""));
      for (int i = 1; i < parts.length; i++) {
        String section = parts[i];
        int eol = section.indexOf('\n');
        String name = eol < 0 ? section : section.substring(0, eol);
        String body = eol < 0 ? "" : section.substring(eol + 1);
        Family family = name.equals("ipv6") ? Family.IPV6 : Family.IPV4;
        try {
          saved.put(family, SavedRuleset.parse(body, ""));
        } catch (IllegalArgumentException e) {
          throw new ExecException(
              "cannot read the iptables rules saved on "
                  + executor.describe()
                  + ": "
                  + e.getMessage());
        }
      }
    } else {
      preferred = forced != null ? forced : detect(executor);
    }
    Map<Family, IptablesBackend> backends = new EnumMap<>(Family.class);
    Map<Family, SavedRuleset> rulesets = new EnumMap<>(Family.class);
    for (Family family : Family.values()) {
      IptablesBackend backend = preferred;
      SavedRuleset ruleset =
          saved.containsKey(family) ? saved.get(family) : save(executor, backend, family);
      if (forced == null
          && backend == IptablesBackend.NFT
          && ruleset.legacyTablesPresent()
          && ruleset.ruleCount() == 0) {
        // As kube's iptables-wrapper decides: iptables points at nft, but every rule this host has
        // is in the legacy tables, so that is where its firewall lives and ours must go.
        backend = IptablesBackend.LEGACY;
        ruleset = save(executor, backend, family);
      }
      backends.put(family, backend);
      rulesets.put(family, ruleset);
    }
    Map<Family, Map<String, Set<String>>> nftTables = Map.of();
    boolean onNft = backends.containsValue(IptablesBackend.NFT);
    boolean owns =
        !declared.chains().isEmpty()
            || rulesets.values().stream()
                .anyMatch(
                    r ->
                        java.util.Arrays.stream(IptablesTable.values())
                            .anyMatch(
                                t ->
                                    IptablesPlan.ownedChains(r.table(t), t).stream()
                                        .anyMatch(sweep::covers)));
    if (onNft && owns) {
      // Only what a restore may have to take away is looked at: one process, whatever the size.
      nftTables = nftTables(executor.check(Command.of(NFT_CHAINS)).stdout(), backends);
    }
    IptablesState.Reading reading =
        new IptablesState.Reading(backends, rulesets, Map.of(), nftTables);
    return new IptablesState(liveChains(declared, reading, sweep), reading);
  }

  /**
   * When iptables is installed: its version, then each family's rules as the backend it names saves
   * them ({@code ==> ipv4}, {@code ==> ipv6}; its warnings too, which are comments); nothing when
   * it is not installed. What a sweep that only takes away needs, in one process.
   */
  static final List<String> SWEEP_READ =
      List.of(
          "sh",
          "-c",
          "command -v iptables >/dev/null 2>&1 || exit 0; v=$(iptables --version) || exit 1;"
              + " echo \"$v\"; case \"$v\" in *'(nf_tables)'*) s=nft;; *'(legacy)'*) s=legacy;;"
              + " *) exit 0;; esac; echo '==> ipv4'; iptables-$s-save 2>&1 || exit 1;"
              + " echo '==> ipv6'; ip6tables-$s-save 2>&1 || exit 1");

  /**
   * Lists the nft chains, when nft is installed (iptables-nft does not need it): the first line
   * says whether it is.
   */
  static final List<String> NFT_CHAINS =
      List.of(
          "sh", "-c", "if command -v nft >/dev/null 2>&1; then echo nft; exec nft list chains; fi");

  private static final Pattern NFT_TABLE = Pattern.compile("^table (\\S+) (\\S+) \\{$");
  private static final Pattern NFT_CHAIN = Pattern.compile("^\\tchain (\\S+) \\{$");

  /**
   * The iptables tables and their built-in chains that exist in nft, for the families on
   * iptables-nft; none when nft is not installed (then an empty base chain cannot be told from
   * none).
   */
  static Map<Family, Map<String, Set<String>>> nftTables(
      String listing, Map<Family, IptablesBackend> backends) {
    if (!listing.startsWith("nft\n")) {
      return Map.of();
    }
    Map<Family, Map<String, Set<String>>> found = new EnumMap<>(Family.class);
    for (Family family : Family.values()) {
      if (backends.get(family) == IptablesBackend.NFT) {
        found.put(family, new LinkedHashMap<>());
      }
    }
    Set<String> chains = null;
    IptablesTable table = null;
    for (String line : listing.split("\n")) {
      Matcher t = NFT_TABLE.matcher(line);
      if (t.matches()) {
        Family family =
            switch (t.group(1)) {
              case "ip" -> Family.IPV4;
              case "ip6" -> Family.IPV6;
              default -> null;
            };
        table = managed(t.group(2));
        chains = null;
        if (family != null && table != null && found.containsKey(family)) {
          chains = new LinkedHashSet<>();
          found.get(family).put(table.toString(), chains);
        }
        continue;
      }
      Matcher c = NFT_CHAIN.matcher(line);
      if (c.matches() && chains != null && table.isBuiltin(c.group(1))) {
        chains.add(c.group(1));
      }
    }
    return found;
  }

  private static IptablesTable managed(String name) {
    for (IptablesTable t : IptablesTable.values()) {
      if (t.toString().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /**
   * The declared chains as the live host's iptables prints them, loaded into a throw-away network
   * namespace with the backend the live read found.
   */
  @Override
  public IptablesState canonical(Executor executor, IptablesState declared, IptablesState live)
      throws ExecException {
    IptablesState.Reading reading = live.reading();
    Map<String, List<String>> canonical = new LinkedHashMap<>();
    for (Family family : Family.values()) {
      List<IptablesChain> chains =
          declared.chains().stream().filter(c -> c.family() == family).toList();
      if (!chains.isEmpty()) {
        canonical.putAll(
            canonicalize(
                executor, reading.backends().get(family), family, chains, reading.ruleset(family)));
      }
    }
    return new IptablesState(
        declared.chains(), new IptablesState.Reading(reading.backends(), Map.of(), canonical));
  }

  @Override
  public Optional<IptablesState> rememberedCanonical(
      Executor executor, IptablesState declared, IptablesState live) throws ExecException {
    IptablesState.Reading reading = live.reading();
    Map<Family, Input> inputs = new LinkedHashMap<>();
    Map<Family, List<IptablesChain>> byFamily = new LinkedHashMap<>();
    for (Family family : Family.values()) {
      List<IptablesChain> chains =
          declared.chains().stream().filter(c -> c.family() == family).toList();
      if (!chains.isEmpty()) {
        byFamily.put(family, chains);
        inputs.put(
            family, input(reading.backends().get(family), family, chains, reading.ruleset(family)));
      }
    }
    if (inputs.isEmpty()) {
      return Optional.empty();
    }
    CanonicalCache.Lookup lookup =
        cache.lookup(executor, VERSION_COMMAND, inputs.values().stream().map(Input::key).toList());
    Map<String, List<String>> canonical = new LinkedHashMap<>();
    for (Map.Entry<Family, Input> e : inputs.entrySet()) {
      Optional<String> output = lookup.output(e.getValue().key());
      if (output.isEmpty()) {
        return Optional.empty();
      }
      Command command = Command.of(e.getValue().loadAndSave());
      canonical.putAll(chainsOf(executor, command, byFamily.get(e.getKey()), output.get(), ""));
    }
    return Optional.of(
        new IptablesState(
            declared.chains(), new IptablesState.Reading(reading.backends(), Map.of(), canonical)));
  }

  private IptablesBackend detect(Executor executor) throws ExecException {
    return backendOf(executor, executor.check("iptables", "--version"));
  }

  private static IptablesBackend backendOf(Executor executor, ExecResult version)
      throws ExecException {
    return IptablesBackend.ofVersion(version.stdout() + version.stderr())
        .orElseThrow(
            () ->
                new ExecException(
                    "cannot tell the iptables backend on "
                        + executor.describe()
                        + " from '"
                        + version.stdout().strip()
                        + "': netconverge needs iptables 1.8 or later"));
  }

  private static SavedRuleset save(Executor executor, IptablesBackend backend, Family family)
      throws ExecException {
    Command command = Command.of(backend.save(family));
    ExecResult result = executor.check(command);
    try {
      return SavedRuleset.parse(result.stdout(), result.stderr());
    } catch (IllegalArgumentException e) {
      throw new ExecException(
          "cannot read the output of '"
              + command.display()
              + "' on "
              + executor.describe()
              + ": "
              + e.getMessage());
    }
  }

  /** Every declared or owned chain that exists on the host, as the host prints it. */
  private static List<IptablesChain> liveChains(
      IptablesState declared, IptablesState.Reading reading, ChainSweep sweep) {
    record Wanted(Family family, IptablesTable table, String name) {}
    List<Wanted> wanted = new ArrayList<>();
    for (IptablesChain chain : declared.chains()) {
      wanted.add(new Wanted(chain.family(), chain.table(), chain.name()));
    }
    for (Family family : Family.values()) {
      for (IptablesTable table : IptablesTable.values()) {
        for (String owned : IptablesPlan.ownedChains(reading.ruleset(family).table(table), table)) {
          if (sweep.covers(owned)) {
            wanted.add(new Wanted(family, table, owned));
          }
        }
      }
    }
    Set<Wanted> seen = new LinkedHashSet<>();
    List<IptablesChain> live = new ArrayList<>();
    for (Wanted w : wanted) {
      Family family = w.family();
      IptablesTable table = w.table();
      SavedRuleset.Table saved = reading.ruleset(family).table(table);
      if (!saved.hasChain(w.name()) || !seen.add(w)) {
        continue;
      }
      String jumpFrom = null;
      JumpPosition position = null;
      String jump = IptablesChain.jumpRule(w.name());
      for (String builtin : table.builtins()) {
        int at = saved.rules(builtin).indexOf(jump);
        if (at >= 0) {
          jumpFrom = builtin;
          position = IptablesPlan.livePosition(saved.rules(builtin), at);
          position = position == null ? JumpPosition.LAST : position;
          break;
        }
      }
      live.add(
          new IptablesChain(
              family, table, w.name(), jumpFrom, position, saved.rules(w.name()), null));
    }
    return live;
  }

  /**
   * Loads the declared chains of one family into a throw-away network namespace with the host's own
   * iptables and reads them back. Foreign user chains of the same tables exist there empty, so that
   * a declared rule may jump to one of them.
   */
  private Map<String, List<String>> canonicalize(
      Executor executor,
      IptablesBackend backend,
      Family family,
      List<IptablesChain> chains,
      SavedRuleset live)
      throws ExecException {
    // The tool stops at the first rule it refuses: that rule is set aside (a placeholder keeps the
    // others' numbers) and the rest tried again, so that every refused rule is named at once.
    List<SpecProblem> problems = new ArrayList<>();
    Set<String> said = new HashSet<>();
    Set<String> saidAt = new HashSet<>();
    List<IptablesChain> trying = chains;
    for (int attempt = 0; ; attempt++) {
      try {
        Map<String, List<String>> canonical =
            canonicalizeOnce(executor, backend, family, trying, live, problems.isEmpty());
        if (problems.isEmpty()) {
          return canonical;
        }
        throw new DeclarationRejectedException(problems);
      } catch (RuleRefused refused) {
        Origin origin = refused.origin();
        // The same refusal once its rule is set aside: not that rule's doing, told once.
        // Again: the same words where no rule is to blame, or the same rule with the same words
        // (two rules with the same mistake are two problems).
        boolean located = origin != null && origin.rule() >= 0;
        boolean heardBefore = !said.add(refused.why());
        boolean again =
            (!located && heardBefore)
                || located
                    && !saidAt.add(origin.chain().key() + "#" + origin.rule() + ":" + refused.why())
                || origin != null
                    && origin.rule() >= 0
                    && PLACEHOLDER.equals(origin.chain().rules().get(origin.rule()));
        if (!again) {
          problems.addAll(refused.rejected().problems());
        }
        if (again || origin == null || origin.rule() < 0 || attempt >= MAX_REFUSED - 1) {
          throw new DeclarationRejectedException(problems);
        }
        List<IptablesChain> next = new ArrayList<>(trying);
        int at = next.indexOf(origin.chain());
        List<String> rules = new ArrayList<>(origin.chain().rules());
        rules.set(origin.rule(), PLACEHOLDER);
        IptablesChain c = origin.chain();
        next.set(
            at,
            new IptablesChain(
                c.family(), c.table(), c.name(), c.jumpFrom(), c.position(), rules, c.path()));
        trying = next;
      }
    }
  }

  /** The most rules one check names as refused. */
  private static final int MAX_REFUSED = 10;

  /** What stands in for a refused rule while the others are tried: valid in every chain. */
  private static final String PLACEHOLDER = "-m comment --comment netconverge-set-aside";

  /** A declared rule the tool refused, where it stands. */
  private static final class RuleRefused extends ExecException {
    private final transient Origin origin;
    private final DeclarationRejectedException rejected;
    private final String why;

    RuleRefused(Origin origin, DeclarationRejectedException rejected, String why) {
      super(rejected.getMessage());
      this.origin = origin;
      this.rejected = rejected;
      this.why = why;
    }

    /** The tool's words. */
    String why() {
      return why;
    }

    Origin origin() {
      return origin;
    }

    DeclarationRejectedException rejected() {
      return rejected;
    }
  }

  private Map<String, List<String>> canonicalizeOnce(
      Executor executor,
      IptablesBackend backend,
      Family family,
      List<IptablesChain> chains,
      SavedRuleset live,
      boolean remember)
      throws ExecException {
    Input in = input(backend, family, chains, live);
    List<String> lines = in.lines();
    List<Origin> origins = in.origins();
    String input = in.text();
    List<String> loadAndSave = in.loadAndSave();
    Command command = Command.of(ThrowAwayNamespace.argv("-n", loadAndSave)).withStdin(input);
    ExecResult result =
        ThrowAwayNamespace.run(
            executor, loadAndSave, input, "check the declared " + family.iptablesTool() + " rules");
    if (!result.ok()) {
      Optional<BatchInput.Stop> at = BatchInput.stoppedAt(result.stderr());
      if (at.isPresent()) {
        Origin[] where = new Origin[1];
        DeclarationRejectedException rejected =
            rejected(family, chains, lines, origins, at.get().line(), result.stderr(), where);
        throw new RuleRefused(where[0], rejected, explain(result.stderr()));
      }
      throw ExecException.failed(executor, command, result);
    }
    Map<String, List<String>> byKey =
        chainsOf(executor, command, chains, result.stdout(), result.stderr());
    if (remember && result.stderr().isBlank()) {
      // What the save said besides its output (a warning) is not remembered: no entry then.
      cache.store(executor, VERSION_COMMAND, in.key(), result.stdout());
    }
    return byKey;
  }

  /** The declared chains' rules in what the throw-away namespace's save printed. */
  private static Map<String, List<String>> chainsOf(
      Executor executor, Command command, List<IptablesChain> chains, String stdout, String stderr)
      throws ExecException {
    SavedRuleset canonical;
    try {
      canonical = SavedRuleset.parse(stdout, stderr);
    } catch (IllegalArgumentException e) {
      throw new ExecException(
          "cannot read the output of '"
              + command.display()
              + "' on "
              + executor.describe()
              + ": "
              + e.getMessage());
    }
    Map<String, List<String>> byKey = new LinkedHashMap<>();
    for (IptablesChain chain : chains) {
      byKey.put(chain.key(), canonical.table(chain.table()).rules(chain.name()));
    }
    return byKey;
  }

  /** What a canonicalization of one family loads: the lines and where each one came from. */
  private record Input(
      List<String> lines, List<Origin> origins, String text, List<String> loadAndSave) {
    CanonicalCache.Key key() {
      return new CanonicalCache.Key("iptables", loadAndSave, text);
    }
  }

  private static Input input(
      IptablesBackend backend, Family family, List<IptablesChain> chains, SavedRuleset live) {
    List<String> lines = new ArrayList<>();
    List<Origin> origins = new ArrayList<>();
    for (IptablesTable table : IptablesTable.values()) {
      List<IptablesChain> inTable = chains.stream().filter(c -> c.table() == table).toList();
      if (inTable.isEmpty()) {
        continue;
      }
      Origin tableOrigin = Origin.of(inTable.get(0));
      add(lines, origins, "*" + table, tableOrigin);
      for (IptablesChain chain : inTable) {
        add(lines, origins, ":" + chain.name() + " - [0:0]", Origin.of(chain));
      }
      Set<String> names = new LinkedHashSet<>();
      inTable.forEach(c -> names.add(c.name()));
      for (String foreign : live.table(table).userChains()) {
        if (names.add(foreign)) {
          add(lines, origins, ":" + foreign + " - [0:0]", tableOrigin);
        }
      }
      for (IptablesChain chain : inTable) {
        for (int i = 0; i < chain.rules().size(); i++) {
          add(
              lines,
              origins,
              "-A " + chain.name() + " " + chain.rules().get(i),
              new Origin(chain, i));
        }
      }
      for (IptablesChain chain : inTable) {
        if (chain.jumpFrom() != null) {
          add(lines, origins, "-A " + chain.jumpFrom() + " " + chain.jumpRule(), Origin.of(chain));
        }
      }
      add(lines, origins, "COMMIT", tableOrigin);
    }
    return new Input(lines, origins, String.join("\n", lines) + "\n", loadAndSave(backend, family));
  }

  /** Loads stdin with the backend's restore and prints it back with its save. */
  private static List<String> loadAndSave(IptablesBackend backend, Family family) {
    return List.of(
        "sh",
        "-c",
        CANONICALIZE,
        "netconverge-canonicalize",
        backend.restore(family),
        backend.save(family));
  }

  /** Which declaration a line of the canonicalization input came from. */
  private record Origin(IptablesChain chain, int rule) {
    static Origin of(IptablesChain chain) {
      return new Origin(chain, -1);
    }
  }

  private static void add(List<String> lines, List<Origin> origins, String line, Origin origin) {
    lines.add(line);
    origins.add(origin);
  }

  /**
   * iptables names the input line it failed at; for errors found when the table is committed (nft
   * checks jump targets then) that line is COMMIT, and the rule is the one that names what the
   * message quotes.
   */
  private DeclarationRejectedException rejected(
      Family family,
      List<IptablesChain> chains,
      List<String> lines,
      List<Origin> origins,
      int lineNumber,
      String stderr,
      Origin[] where) {
    String message = explain(stderr);
    Origin origin =
        lineNumber >= 1 && lineNumber <= origins.size() ? origins.get(lineNumber - 1) : null;
    if (origin == null || origin.rule() < 0) {
      Matcher quoted = QUOTED.matcher(message);
      if (quoted.find()) {
        String token = quoted.group(1);
        for (IptablesChain chain : chains) {
          for (int i = 0; i < chain.rules().size(); i++) {
            if ((" " + chain.rules().get(i) + " ").contains(" " + token + " ")) {
              origin = new Origin(chain, i);
              break;
            }
          }
          if (origin != null && origin.rule() >= 0) {
            break;
          }
        }
      }
    }
    if (origin == null) {
      origin = Origin.of(chains.get(0));
    }
    where[0] = origin;
    IptablesChain chain = origin.chain();
    if (origin.rule() >= 0) {
      String rule = chain.rules().get(origin.rule());
      return rejectedAt(
          chain,
          ".rules[" + origin.rule() + "]",
          " rule " + (origin.rule() + 1),
          family.iptablesTool()
              + " rejected the rule '"
              + rule
              + "' of chain "
              + chain.name()
              + ": "
              + message);
    }
    String line = lineNumber >= 1 && lineNumber <= lines.size() ? lines.get(lineNumber - 1) : "";
    return rejectedAt(
        chain,
        ".chain",
        "",
        family.iptablesTool()
            + " rejected chain "
            + chain.name()
            + " (at '"
            + line
            + "'): "
            + message);
  }

  /** Located in the file when the chain came from one; by its name when it came from a host. */
  private DeclarationRejectedException rejectedAt(
      IptablesChain chain, String fieldPath, String liveSuffix, String message) {
    // A rule is one line of the file: its line and column are those of the value itself.
    SpecProblem problem =
        chain.path() == null
            ? TextOrigin.unknown(chain.resource().render() + liveSuffix).problem(0, 0, message)
            : source.problem(chain.path() + fieldPath, message);
    return new DeclarationRejectedException(List.of(problem));
  }

  /** The tool's own words, without its name and version and the usage hint. */
  static String explain(String stderr) {
    List<String> parts = new ArrayList<>();
    for (String line : stderr.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || BatchInput.named(l).isPresent() || l.startsWith("Try `")) {
        continue;
      }
      parts.add(TOOL_PREFIX.matcher(l).replaceFirst(""));
    }
    return parts.isEmpty() ? stderr.strip() : String.join("; ", parts);
  }

  @Override
  public Diff<IptablesBatches> diff(IptablesState declared, IptablesState live) {
    IptablesPlan plan = IptablesPlan.of(declared, live, sweep);
    return new Diff<>(plan.changes(), plan.batches());
  }

  /**
   * A rule line of a restore input: {@code -A CHAIN ...}, {@code -I CHAIN n ...}, {@code -R ...}.
   */
  private static final Pattern RULE_LINE = Pattern.compile("^-[AIR] (\\S+) ");

  /**
   * A rule of a declared chain that the target's restore tool refuses at apply although its
   * throw-away namespace took it: told at the chain's rules, with the tool's words and the line of
   * the input it stopped at. Only a rule line of a declared chain counts; one of netconverge's own
   * (a jump from a built-in chain, a chain header, COMMIT) or of a restore is the host's failure.
   */
  @Override
  public List<SpecProblem> rejected(IptablesBatches plan, ExecException failure) {
    if (failure.result() == null || plan.declared().isEmpty() || failure.command().isEmpty()) {
      return List.of();
    }
    String stderr = failure.result().stderr();
    Optional<BatchInput.Stop> at = BatchInput.stoppedAt(stderr);
    if (at.isEmpty()) {
      return List.of();
    }
    int number = at.get().line();
    IptablesBatches.Batch batch =
        plan.batches().stream()
            .filter(b -> b.backend().restore(b.family()).equals(failure.command().get(0)))
            .findFirst()
            .orElse(null);
    if (batch == null) {
      return List.of();
    }
    Optional<String> stoppedAt = BatchInput.line(batch.input(), number);
    if (stoppedAt.isEmpty()) {
      return List.of();
    }
    String[] lines = batch.input().split("\n", -1);
    IptablesTable table = null;
    for (int i = 0; i < number; i++) {
      if (lines[i].startsWith("*")) {
        table = IptablesTable.parse(lines[i].substring(1).strip());
      }
    }
    Matcher rule = RULE_LINE.matcher(stoppedAt.get());
    if (table == null || !rule.find()) {
      return List.of();
    }
    IptablesTable in = table;
    String name = rule.group(1);
    return plan.declared().stream()
        .filter(c -> c.family() == batch.family() && c.table() == in && c.name().equals(name))
        .findFirst()
        .map(
            chain ->
                rejectedAt(
                        chain,
                        ".rules",
                        "",
                        batch.family().iptablesTool()
                            + " on this target refuses a rule of chain "
                            + name
                            + " at apply (a throw-away namespace took it): '"
                            + stoppedAt.get()
                            + "': "
                            + explain(stderr))
                    .problems())
        .orElse(List.of());
  }

  /** One {@code *-restore -w --noflush} per family with changes, all its tables in it. */
  @Override
  public List<Command> commands(IptablesBatches plan) {
    List<Command> commands = new ArrayList<>();
    for (IptablesBatches.Batch b : plan.batches()) {
      commands.add(
          Command.of(b.backend().restore(b.family()), "-w", "--noflush").withStdin(b.input()));
    }
    if (!plan.nftScript().isEmpty()) {
      commands.add(Command.of("nft", "-f", "-").withStdin(plan.nftScript()));
    }
    return commands;
  }

  @Override
  public IptablesBatches restore(IptablesState snapshot, IptablesState declared) {
    return IptablesPlan.restore(snapshot, declared, sweep);
  }
}
