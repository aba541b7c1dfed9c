package io.netconverge.nftables;

import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.ChangeValue;
import io.netconverge.core.engine.DeclarationRejectedException;
import io.netconverge.core.engine.Diff;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.ResourceId;
import io.netconverge.core.engine.ResourceModule;
import io.netconverge.core.exec.BatchInput;
import io.netconverge.core.exec.CanonicalCache;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.ThrowAwayNamespace;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.core.spec.TextOrigin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nft tables owned whole. Read: one {@code nft -j -s list ruleset && nft -a -s list ruleset} on the
 * target for the live side, and one {@code unshare -n} process on the target that loads the
 * declared definitions into a throw-away network namespace and lists them the same way: both sides
 * are then in the form the target's own nft prints, so decimal or hex marks, white space and other
 * spellings of one rule compare equal, and any real difference does not. A definition nft rejects
 * fails there, before anything on the host changes. Write: one {@code nft -f -} transaction for
 * every table that differs. Tables the host state does not declare are never read into the diff nor
 * written.
 */
public final class NftablesResource implements ResourceModule<NftState, NftPlan> {

  /** Loads stdin and lists it, in a {@link ThrowAwayNamespace}. */
  static final List<String> LOAD_AND_LIST =
      List.of("sh", "-c", "nft -f - && " + NftListing.LIST_BOTH);

  static final List<String> CANONICALIZE = ThrowAwayNamespace.argv("-n", LOAD_AND_LIST);

  /** The fallback where the target may not create a network namespace directly. */
  static final List<String> CANONICALIZE_IN_USER_NAMESPACE =
      ThrowAwayNamespace.argv("-rn", LOAD_AND_LIST);

  static final List<String> READ_LIVE = List.of("sh", "-c", NftListing.LIST_BOTH);

  /** {@link #READ_LIVE} when nft is installed; nothing when it is not. */
  static final List<String> READ_LIVE_IF_PRESENT =
      List.of(
          "sh", "-c", "if command -v nft >/dev/null 2>&1; then " + NftListing.LIST_BOTH + "; fi");

  static final List<String> APPLY = List.of("nft", "-f", "-");

  static final List<String> VERSION = List.of("nft", "--version");

  private static final Pattern NFT_VERSION = Pattern.compile("v(\\d+(?:\\.\\d+)+)");

  /**
   * The comment of every table netconverge declares (nft 0.9.7 and later keep a table's comment):
   * how a later run knows a table it no longer declares is its own to remove. Tables without it are
   * never touched unless declared.
   */
  public static final String OWNER_MARK = "netconverge";

  private static final Pattern TABLE_LINE = Pattern.compile("^table (\\S+) (\\S+) \\{.*");

  @Override
  public String kind() {
    return "nftables";
  }

  @Override
  public NftState read(Executor executor, NftState declared) throws ExecException {
    boolean onlyAbsent =
        !sweep && declared.tables().stream().allMatch(t -> t.definition().isEmpty());
    // Only taking tables away: a host without nft has none of them, and converges.
    List<String> argv = onlyAbsent ? READ_LIVE_IF_PRESENT : READ_LIVE;
    ExecResult live = executor.run(Command.of(argv));
    if (!live.ok()) {
      throw crashedOrFailed(executor, Command.of(argv), live, "listing the live ruleset");
    }
    if (onlyAbsent && live.stdout().isBlank()) {
      return new NftState(
          declared.tables().stream().map(t -> NftTable.absent(t.name())).toList(),
          Map.of(),
          Map.of());
    }
    Set<NftTableName> owned = new LinkedHashSet<>();
    declared.tables().forEach(t -> owned.add(t.name()));
    Set<NftTableName> marked = sweep ? markedTables(live.stdout()) : Set.of();
    owned.addAll(marked);
    Map<NftTableName, TableForm> all;
    try {
      all = NftListing.parse(live.stdout(), owned::contains);
    } catch (NftListingException e) {
      throw new ExecException(
          "cannot read nft's listing on " + executor.describe() + ": " + e.getMessage());
    }
    List<NftTable> tables = new ArrayList<>();
    Map<NftTableName, TableForm> liveForms = new LinkedHashMap<>();
    for (NftTable t : declared.tables()) {
      TableForm form = all.get(t.name());
      if (form == null) {
        tables.add(NftTable.absent(t.name()));
      } else {
        tables.add(NftTable.present(t.name(), form.definition()));
        liveForms.put(t.name(), form);
      }
    }
    for (NftTableName name : marked) {
      TableForm form = all.get(name);
      if (form != null && !liveForms.containsKey(name)) {
        // Made by netconverge and declared no more: read, so that the diff removes it.
        tables.add(NftTable.present(name, form.definition()));
        liveForms.put(name, form);
      }
    }
    return new NftState(tables, Map.of(), liveForms);
  }

  /**
   * The tables whose listing carries netconverge's owner mark, the table comment {@value
   * #OWNER_MARK}: what it created, and may remove once they are no longer declared.
   */
  static Set<NftTableName> markedTables(String listing) {
    Set<NftTableName> marked = new LinkedHashSet<>();
    NftTableName table = null;
    for (String line : listing.split("\n")) {
      Matcher m = TABLE_LINE.matcher(line);
      if (m.matches()) {
        table = new NftTableName(m.group(1), m.group(2));
      } else if (line.equals("}")) {
        table = null;
      } else if (table != null && line.strip().equals("comment \"" + OWNER_MARK + "\"")) {
        marked.add(table);
      }
    }
    return marked;
  }

  /** The tool version an entry of the canonical cache is made with. */
  static final String VERSION_COMMAND = "nft --version";

  private final CanonicalCache cache;
  private final boolean sweep;

  /**
   * With the target's {@link CanonicalCache#standard() standard} canonical cache, for the {@code
   * nftables} section: marked tables no longer declared are removed.
   */
  public NftablesResource() {
    this(CanonicalCache.standard(), true);
  }

  /**
   * @param sweep whether tables carrying the owner mark that are not declared here are removed:
   *     true for a file's {@code nftables} key, false when only a profile brings its own tables
   *     (then nothing else in nft is looked at)
   */
  public NftablesResource(boolean sweep) {
    this(CanonicalCache.standard(), sweep);
  }

  public NftablesResource(CanonicalCache cache) {
    this(cache, true);
  }

  public NftablesResource(CanonicalCache cache, boolean sweep) {
    this.cache = cache;
    this.sweep = sweep;
  }

  @Override
  public NftState canonical(Executor executor, NftState declared, NftState live)
      throws ExecException {
    return new NftState(declared.tables(), canonicalize(executor, declared), Map.of());
  }

  @Override
  public Optional<NftState> rememberedCanonical(Executor executor, NftState declared, NftState live)
      throws ExecException {
    Transaction input = Transaction.declaring(declared.tables());
    if (input.isEmpty()) {
      return Optional.empty();
    }
    CanonicalCache.Key key = cacheKey(input);
    Optional<String> output = cache.lookup(executor, VERSION_COMMAND, List.of(key)).output(key);
    if (output.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new NftState(declared.tables(), formsOf(executor, input, output.get()), Map.of()));
  }

  private static CanonicalCache.Key cacheKey(Transaction input) {
    return new CanonicalCache.Key("nftables", LOAD_AND_LIST, input.text());
  }

  /** The declared tables as the target's nft prints them, from a throw-away network namespace. */
  private Map<NftTableName, TableForm> canonicalize(Executor executor, NftState declared)
      throws ExecException {
    Transaction input = Transaction.declaring(declared.tables());
    if (input.isEmpty()) {
      return Map.of();
    }
    ExecResult result =
        ThrowAwayNamespace.run(
            executor, LOAD_AND_LIST, input.text(), "check the declared nft tables");
    if (!result.ok()) {
      List<SpecProblem> problems = input.problems(result.stderr());
      if (problems.isEmpty()) {
        throw crashedOrFailed(
            executor, Command.of(CANONICALIZE), result, "listing the declared tables");
      }
      throw new DeclarationRejectedException(problems);
    }
    Map<NftTableName, TableForm> forms = formsOf(executor, input, result.stdout());
    cache.store(executor, VERSION_COMMAND, cacheKey(input), result.stdout());
    return forms;
  }

  /** The declared tables in the listing of their throw-away namespace; only those. */
  private static Map<NftTableName, TableForm> formsOf(
      Executor executor, Transaction input, String listing) throws ExecException {
    Map<NftTableName, TableForm> forms;
    try {
      forms = NftListing.parse(listing);
    } catch (NftListingException e) {
      throw new ExecException(
          "cannot read nft's listing of the declared tables on "
              + executor.describe()
              + ": "
              + e.getMessage());
    }
    Set<NftTableName> extra = new TreeSet<>(Comparator.comparing(NftTableName::toString));
    extra.addAll(forms.keySet());
    input.tables().forEach(t -> extra.remove(t.name()));
    if (!extra.isEmpty()) {
      // A definition that closes its own table's brace could declare another table: refuse.
      NftTable first = input.tables().get(0);
      throw new DeclarationRejectedException(
          List.of(
              first
                  .origin()
                  .problem(
                      0,
                      0,
                      "a definition declares the content of its own table only; these tables"
                          + " were declared too: "
                          + extra)));
    }
    return forms;
  }

  /**
   * The error for a listing that failed. nft itself may die of a signal (nft 0.9.8 aborts, exit
   * 134, listing some rules it accepted): then the message says so, with the version, so that no
   * one looks for the fault in the file. The shell or docker exec reports such a death as 128 +
   * signal.
   */
  static ExecException crashedOrFailed(
      Executor executor, Command command, ExecResult result, String doing) {
    int signal = result.exitCode() - 128;
    if (signal < 1 || signal > 64) {
      return ExecException.failed(executor, command, result);
    }
    String version = "nft";
    try {
      ExecResult v = executor.run(Command.of(VERSION));
      Matcher m = NFT_VERSION.matcher(v.stdout());
      if (v.ok() && m.find()) {
        version = "nft " + m.group(1);
      }
    } catch (ExecException e) {
      // The crash is the news; without a version the message still says what happened.
    }
    String said = result.stderr().strip();
    return new ExecException(
        version
            + " crashed ("
            + signalName(signal)
            + ", exit "
            + result.exitCode()
            + ") "
            + doing
            + " on "
            + executor.describe()
            + ": that is a bug of "
            + version
            + " itself, not of the file, and a listing changes nothing"
            + (said.isEmpty() ? "" : "; it said: " + said),
        result,
        null);
  }

  private static String signalName(int signal) {
    return switch (signal) {
      case 6 -> "SIGABRT";
      case 11 -> "SIGSEGV";
      case 7 -> "SIGBUS";
      case 8 -> "SIGFPE";
      case 9 -> "SIGKILL";
      case 4 -> "SIGILL";
      default -> "signal " + signal;
    };
  }

  @Override
  public Diff<NftPlan> diff(NftState declared, NftState live) {
    List<Change> changes = new ArrayList<>();
    StringBuilder script = new StringBuilder();
    for (NftTable table : declared.tables()) {
      ResourceId resource = ResourceId.of("nftables table", table.name());
      String id = table.name().toString();
      TableForm have = live.liveForms().get(table.name());
      if (table.definition().isEmpty()) {
        if (have == null) {
          changes.add(Change.ok(resource, null));
        } else {
          changes.add(
              Change.delete(
                  resource,
                  ChangeValue.text(have.definition()),
                  List.of(FieldChange.removed("table", have.definition()))));
          deleteTable(script, id);
        }
        continue;
      }
      TableForm want = declared.declaredForms().get(table.name());
      if (want == null) {
        throw new IllegalStateException(
            "table " + table.name() + " was not read through the target's nft before the diff");
      }
      if (have == null) {
        TableForm empty =
            new TableForm(table.name(), want.attributes(), want.attributesText(), List.of(), "");
        changes.add(
            Change.create(
                resource, ChangeValue.text(want.definition()), NftDiff.fields(want, empty)));
        deleteTable(script, id);
        defineTable(script, id, want);
        continue;
      }
      List<FieldChange> fields = NftDiff.fields(want, have);
      if (fields.isEmpty()) {
        changes.add(Change.ok(resource, ChangeValue.text(have.definition())));
        continue;
      }
      changes.add(
          Change.update(
              resource,
              ChangeValue.text(have.definition()),
              ChangeValue.text(want.definition()),
              fields));
      if (NftDiff.onlyRulesDiffer(want, have)) {
        script.append("flush table ").append(id).append('\n');
        defineTable(script, id, want);
      } else {
        deleteTable(script, id);
        defineTable(script, id, want);
        script.append(runtimeElements(id, want, have));
      }
    }
    Set<NftTableName> declaredNames = new HashSet<>();
    declared.tables().forEach(t -> declaredNames.add(t.name()));
    for (var e : live.liveForms().entrySet()) {
      if (declaredNames.contains(e.getKey())) {
        continue;
      }
      // Only a table carrying our mark is read when undeclared: ours, declared no more.
      String definition = e.getValue().definition();
      changes.add(
          Change.delete(
              ResourceId.of("nftables table", e.getKey()),
              ChangeValue.text(definition),
              List.of(FieldChange.removed("table", definition))));
      deleteTable(script, e.getKey().toString());
    }
    Map<NftTableName, TextOrigin> origins = new HashMap<>();
    declared.tables().stream()
        .filter(t -> t.definition().isPresent())
        .forEach(t -> origins.put(t.name(), t.origin()));
    return new Diff<>(changes, new NftPlan(script.toString(), origins));
  }

  /** "add" first makes the delete valid whether or not the table is there. */
  private static void deleteTable(StringBuilder script, String id) {
    script.append("table ").append(id).append('\n');
    script.append("delete table ").append(id).append('\n');
  }

  /**
   * What reaches the host is nft's own listing of that one table, as the throw-away namespace
   * printed it, never the user's text: a definition cannot say anything about another table.
   */
  private static void defineTable(StringBuilder script, String id, TableForm form) {
    script.append("table ").append(id).append(" {\n").append(form.definition()).append("}\n");
  }

  /**
   * A declared table that the target's nft refuses at apply although its throw-away namespace took
   * it: told at the table's definition, with nft's words and the line of nft's listing it stopped
   * at (the text applied is that listing, not the user's). Only errors inside the definition of a
   * declared table count; one in netconverge's own statements (delete, flush, elements the datapath
   * added) is the host's failure.
   */
  @Override
  public List<SpecProblem> rejected(NftPlan plan, ExecException failure) {
    if (failure.result() == null || plan.origins().isEmpty()) {
      return List.of();
    }
    String[] script = plan.script().split("\n", -1);
    List<SpecProblem> problems = new ArrayList<>();
    for (BatchInput.Stop stop : BatchInput.stops(failure.result().stderr())) {
      int at = stop.line();
      Optional<NftTableName> table = definedAt(script, at);
      TextOrigin origin = table.map(plan.origins()::get).orElse(null);
      if (origin == null) {
        return List.of();
      }
      String listed = BatchInput.line(plan.script(), at).map(String::strip).orElse("");
      problems.add(
          origin.problem(
              0,
              0,
              "this target's nft refuses table "
                  + table.get()
                  + " at apply (a throw-away namespace took it): "
                  + stop.words()
                  + (listed.isEmpty() ? "" : "; at the line of nft's listing '" + listed + "'")));
    }
    return problems;
  }

  /** The table whose {@code table F N { ... }} block in {@code script} holds line {@code at}. */
  static Optional<NftTableName> definedAt(String[] script, int at) {
    NftTableName current = null;
    for (int i = 0; i < Math.min(at, script.length); i++) {
      String line = script[i];
      if (line.startsWith("table ") && line.endsWith(" {")) {
        current = NftTableName.parse(line.substring("table ".length(), line.length() - 2));
      } else if (current != null && line.equals("}") && i < at - 1) {
        current = null;
      }
    }
    return Optional.ofNullable(current);
  }

  /** One {@code nft -f -} transaction: all or nothing. */
  @Override
  public List<Command> commands(NftPlan plan) {
    if (plan.script().isEmpty()) {
      return List.of();
    }
    return List.of(new Command(APPLY, plan.script(), Executor.DEFAULT_TIMEOUT));
  }

  /**
   * Every declared or snapshot table is deleted (whether there or not) and the snapshot's tables
   * are loaded again from nft's listing of them, in one transaction: elements the datapath added
   * come back with the time they had left.
   */
  @Override
  public NftPlan restore(NftState snapshot, NftState declared) {
    StringBuilder script = new StringBuilder();
    Set<NftTableName> names = new LinkedHashSet<>();
    declared.tables().forEach(t -> names.add(t.name()));
    names.addAll(snapshot.liveForms().keySet());
    for (NftTableName name : names) {
      deleteTable(script, name.toString());
      TableForm had = snapshot.liveForms().get(name);
      if (had != null) {
        script
            .append("table ")
            .append(name)
            .append(" {\n")
            .append(had.restoreDefinition())
            .append("}\n");
      }
    }
    return new NftPlan(script.toString());
  }

  /**
   * When the table is replaced, elements the datapath added to its dynamic sets would go with it:
   * put them back in the same transaction, into each such set that keeps its shape. (Their
   * remaining time restarts: nft's stateless listing does not say how much was left.)
   */
  private static String runtimeElements(String id, TableForm want, TableForm have) {
    StringBuilder sb = new StringBuilder();
    for (TableForm.Item w : want.items()) {
      if (!w.runtimeFilled() || w.declaresElements()) {
        continue;
      }
      Optional<TableForm.Item> h = have.item(w.kind(), w.name());
      if (h.isPresent() && NftDiff.sameItem(w, h.get())) {
        NftListing.elementsOf(h.get().text())
            .ifPresent(
                e ->
                    sb.append("add element ")
                        .append(id)
                        .append(' ')
                        .append(w.name())
                        .append(" { ")
                        .append(e)
                        .append(" }\n"));
      }
    }
    return sb.toString();
  }

  /**
   * The declared tables as one nft input, remembering which input lines are whose, so that nft's
   * {@code /dev/stdin:LINE:COL} errors can be named as lines of the user's file.
   */
  record Transaction(List<NftTable> tables, List<Integer> firstLines, String text) {

    static Transaction declaring(List<NftTable> all) {
      List<NftTable> tables = new ArrayList<>();
      List<Integer> firstLines = new ArrayList<>();
      StringBuilder sb = new StringBuilder();
      int line = 1;
      for (NftTable t : all) {
        if (t.body().isEmpty()) {
          continue;
        }
        String body = t.body().get();
        // The owner mark on the line of the table itself: the user's lines keep their numbers.
        sb.append("table ")
            .append(t.name())
            .append(" { comment \"")
            .append(OWNER_MARK)
            .append("\";\n");
        line++;
        tables.add(t);
        firstLines.add(line);
        sb.append(body).append("\n}\n");
        line += body.split("\n", -1).length + 1;
      }
      return new Transaction(tables, firstLines, sb.toString());
    }

    boolean isEmpty() {
      return tables.isEmpty();
    }

    /** nft's errors, each located in the definition it falls in. */
    List<SpecProblem> problems(String stderr) {
      List<SpecProblem> problems = new ArrayList<>();
      String[] lines = stderr.split("\n");
      for (int i = 0; i < lines.length; i++) {
        Optional<BatchInput.Stop> stop = BatchInput.named(lines[i]);
        if (stop.isEmpty()) {
          continue;
        }
        int inputLine = stop.get().line();
        int column = stop.get().column();
        StringBuilder message = new StringBuilder("nft: ").append(stop.get().words());
        // nft follows each error with the offending line and a marker under the culprit: the
        // problem is located already, so only the culprit's text is kept, on the same line.
        if (i + 2 < lines.length && BatchInput.named(lines[i + 1]).isEmpty()) {
          culprit(lines[i + 1], lines[i + 2])
              .ifPresent(c -> message.append(" (").append(c).append(')'));
        }
        problems.add(locate(inputLine, column, hint(message.toString())));
      }
      return problems;
    }

    private SpecProblem locate(int inputLine, int column, String message) {
      int index = tables.size() - 1;
      while (index > 0 && firstLines.get(index) - 1 > inputLine) {
        index--;
      }
      NftTable table = tables.get(index);
      int count = table.body().orElseThrow().split("\n", -1).length;
      int inDefinition = inputLine - firstLines.get(index) + 1;
      if (inDefinition < 1 || inDefinition > count) {
        // The wrapper's own lines: an unclosed brace shows at the closing one.
        return table.origin().problem(Math.max(1, Math.min(count, inDefinition)), 0, message);
      }
      return table.origin().problem(inDefinition, column, message);
    }

    /**
     * What nft's marker line ({@code ^^^~~~}) points at, as {@code at 'TEXT'}, or {@code after
     * 'WORD'} when it points past the end of the line; empty when there is no marker.
     */
    static java.util.Optional<String> culprit(String sourceLine, String markerLine) {
      int from = -1;
      int to = -1;
      for (int c = 0; c < markerLine.length(); c++) {
        char ch = markerLine.charAt(c);
        if (ch == '^' || ch == '~') {
          from = from < 0 ? c : from;
          to = c + 1;
        } else if (ch != ' ' && ch != '\t') {
          return java.util.Optional.empty();
        }
      }
      if (from < 0) {
        return java.util.Optional.empty();
      }
      if (from >= sourceLine.stripTrailing().length()) {
        String[] words = sourceLine.strip().split("\\s+");
        String last = words[words.length - 1];
        return last.isEmpty()
            ? java.util.Optional.empty()
            : java.util.Optional.of("after '" + last + "'");
      }
      String text = sourceLine.substring(from, Math.min(to, sourceLine.length())).strip();
      return text.isEmpty()
          ? java.util.Optional.empty()
          : java.util.Optional.of("at '" + text + "'");
    }

    private static String hint(String message) {
      if (message.contains("You can only specify this once") && message.contains("comment")) {
        return message
            + " (a table's own comment is netconverge's owner mark: leave it out of the"
            + " definition)";
      }
      if (message.contains("Interface does not exist")
          || message.contains("No such device")
          || message.contains("Could not resolve")) {
        return message
            + " (definitions are checked in an empty network namespace: match interfaces by"
            + " name, with iifname/oifname)";
      }
      return message;
    }
  }
}
