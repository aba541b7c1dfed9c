package io.netconverge.route;

import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.ChangeValue;
import io.netconverge.core.engine.Diff;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.ResourceId;
import io.netconverge.core.engine.ResourceModule;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpBatch;
import io.netconverge.core.net.TableRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Routing tables owned whole. Read: the iproute2 name files (one {@code sh}), then {@code ip -N -j
 * -d route show table all} once per family. Write: our name files when they differ (one process
 * each), then one {@code ip -batch -} per family. Routes of the kernel (proto kernel) are never
 * read as ours nor removed. In a table not declared, a route carrying our protocol is ours and is
 * removed (when the state says so: {@link RouteTablesState#protocolRoutes()}), except in the local
 * table and in held tables; every other route there is never touched.
 */
public final class RouteTablesResource implements ResourceModule<RouteTablesState, RoutePlan> {

  /**
   * Prints, in sections, rt_tables and every rt_tables.d/*.conf, whether rt_tables.d and
   * rt_protos.d exist, and our rt_protos.d file: one process for every name netconverge needs. The
   * arguments after the folder are where an iproute2 that reads /etc over /usr keeps its defaults
   * (6.5 and later, e.g. Debian 13: /usr/share/iproute2, and no /etc/iproute2 at all). The first
   * that has rt_tables is printed as {@code ==> dir vendor}, with the files of it that the folder
   * does not override: such an iproute2 reads the folder's rt_tables.d and rt_protos.d whether or
   * not they exist yet. {@code ==> dir itself} says that the folder exists: a folder named instead
   * of /etc/iproute2 gets its subfolders made.
   */
  static final String READ_FILES =
      // Our own file counts only while nobody else could have written it (owner, mode, no link):
      // otherwise it reads as missing and is written again.
      "d=$1; shift; me=$(id -u); safe() { case \"${1##*/}\" in "
          + Iproute2Files.FILE
          + ") set -- $(stat -c '%u %a' \"$1\"); [ \"$1\" = \"$me\" ] && [ $(( 0$2 & 022 )) = 0 ];;"
          + " esac; };"
          + " for f in \"$d\"/rt_tables \"$d\"/rt_tables.d/*.conf \"$d\"/rt_protos.d/"
          + Iproute2Files.FILE
          + "; do if [ -f \"$f\" ] && safe \"$f\"; then echo \"==> $f\"; cat \"$f\"; echo; fi; done;"
          + " for s in rt_tables.d rt_protos.d; do if [ -d \"$d/$s\" ]; then echo \"==> dir $s\"; fi;"
          + " done; if [ -d \"$d\" ]; then echo \"==> dir itself\"; fi;"
          + " for u in \"$@\"; do if [ -f \"$u/rt_tables\" ]; then echo \"==> dir vendor\";"
          + " if [ ! -f \"$d/rt_tables\" ]; then echo \"==> $u/rt_tables\"; cat \"$u/rt_tables\"; echo;"
          + " fi; for f in \"$u\"/rt_tables.d/*.conf; do if [ -f \"$f\" ] && [ ! -e"
          + " \"$d/rt_tables.d/${f##*/}\" ]; then echo \"==> $f\"; cat \"$f\"; echo; fi; done;"
          + " break; fi; done";

  /** iproute2's own configuration folder, the one its packages install. */
  static final Path ETC = Path.of("/etc/iproute2");

  /** Where iproute2 6.5 and later keep their defaults (Debian: /usr/share; upstream: /usr/lib). */
  static final List<String> VENDOR_DIRS = List.of("/usr/share/iproute2", "/usr/lib/iproute2");

  /**
   * Writes stdin to $1. The folder is made when missing (an iproute2 that keeps its defaults under
   * /usr reads it, but no package creates it), and must then be a real directory of the converging
   * user that nobody else may write; the content goes to a fresh temporary file of its own (mktemp:
   * created exclusively, never through a link; namespaces of one machine share /etc/iproute2 and
   * two converges may write at once), gets mode 0644 whatever the umask (ip, run by any user, reads
   * the names) and is renamed into place, which replaces a link rather than writing through it.
   */
  static final String WRITE_FILE =
      "d=${1%/*}; if [ ! -e \"$d\" ] && [ ! -L \"$d\" ]; then (umask 022; mkdir -p \"$d\") || exit 1;"
          + " fi; if [ -L \"$d\" ] || [ ! -d \"$d\" ]; then"
          + " echo \"$d is not a directory\" >&2; exit 1; fi;"
          + " set -- \"$1\" $(stat -c '%u %a' \"$d\");"
          + " if [ \"$2\" != \"$(id -u)\" ] || [ $(( 0$3 & 022 )) != 0 ]; then"
          + " echo \"$d may be written by others (uid $2, mode $3): names are not written there\""
          + " >&2; exit 1; fi;"
          + " t=$(mktemp \"$1.XXXXXX\") || exit 1;"
          + " if cat > \"$t\" && chmod 0644 \"$t\" && mv -f \"$t\" \"$1\"; then exit 0; fi;"
          + " rm -f \"$t\"; exit 1";

  private final int protocol;
  private final Path iproute2Dir;

  /**
   * @param protocol the protocol number of the routes netconverge creates
   * @param iproute2Dir iproute2's configuration folder on the target, normally /etc/iproute2
   */
  public RouteTablesResource(int protocol, Path iproute2Dir) {
    this.protocol = protocol;
    this.iproute2Dir = iproute2Dir;
  }

  @Override
  public String kind() {
    return "route-tables";
  }

  public int protocol() {
    return protocol;
  }

  @Override
  public RouteTablesState read(Executor executor, RouteTablesState declared) throws ExecException {
    Iproute2Files files = readFiles(executor, iproute2Dir);
    Map<String, Long> names = files.names();
    List<RouteTable> tables = new ArrayList<>();
    Map<Long, List<Route>> byTable = new HashMap<>();
    for (RouteTable t : declared.tables()) {
      long id = resolve(t.ref(), names, executor);
      if (t.ref().id() != null && t.ref().name() != null) {
        Long other = files.known().get(t.ref().name());
        if (other != null && other != id && !TableRef.RESERVED.containsKey(t.ref().name())) {
          throw new ExecException(
              "table name '"
                  + t.ref().name()
                  + "' is "
                  + other
                  + " in the rt_tables files of "
                  + executor.describe()
                  + ", but the file declares it as "
                  + id);
        }
      }
      if (byTable.put(id, new ArrayList<>()) != null) {
        throw new ExecException(
            "table " + t.ref() + " is table " + id + ", which the file already declares");
      }
    }
    // Routes of ours in tables the file does not declare: kept apart, so that they are removed.
    // The local table is the kernel's, and a held table (a pending WAN's) stays as it is.
    java.util.Set<Long> leftAlone = leftAlone(declared, names);
    Map<Long, List<Route>> strays = new java.util.TreeMap<>();
    List<CapturedRoute> captured = new ArrayList<>();
    for (Family family : Family.values()) {
      boolean strayed = false;
      for (RouteJson.InTable r : routes(executor, family)) {
        List<Route> in = byTable.get(r.table());
        if (in != null) {
          in.add(r.route());
        } else if (declared.protocolRoutes()
            && r.route().protocol() == protocol
            && !leftAlone.contains(r.table())) {
          strays.computeIfAbsent(r.table(), k -> new ArrayList<>()).add(r.route());
          strayed = true;
        }
      }
      // The text read only when there is something a restore may need to put back.
      if (!byTable.isEmpty() || strayed) {
        for (CapturedRoute r : capture(executor, family)) {
          if (byTable.containsKey(r.table())
              || (strays.containsKey(r.table()) && r.protocol() == protocol)) {
            captured.add(r);
          }
        }
      }
    }
    for (RouteTable t : declared.tables()) {
      long id = resolve(t.ref(), names, executor);
      // Read back as a table that purges: declaring a snapshot again restores it exactly.
      tables.add(new RouteTable(new TableRef(id, t.ref().name()), true, byTable.get(id)));
    }
    // A table of strays never purges: declaring a snapshot again touches only our routes in it.
    strays.forEach(
        (id, routes) -> tables.add(new RouteTable(new TableRef(id, null), false, routes)));
    return new RouteTablesState(tables, files, captured, !strays.isEmpty(), List.of());
  }

  /** The routes as ip prints them as text: every attribute, in words ip takes back. */
  private static List<CapturedRoute> capture(Executor executor, Family family)
      throws ExecException {
    Command command =
        Command.of("ip", "-N", family.ipOption(), "-d", "route", "show", "table", "all");
    ExecResult result = executor.run(command);
    if (IpBatch.familyMissing(family, result)) {
      return List.of();
    }
    if (!result.ok()) {
      throw ExecException.failed(executor, command, result);
    }
    return CapturedRoute.parse(result.stdout(), family);
  }

  private static List<RouteJson.InTable> routes(Executor executor, Family family)
      throws ExecException {
    Command command =
        Command.of("ip", "-N", family.ipOption(), "-j", "-d", "route", "show", "table", "all");
    ExecResult result = executor.run(command);
    if (IpBatch.familyMissing(family, result)) {
      return List.of();
    }
    if (!result.ok()) {
      throw ExecException.failed(executor, command, result);
    }
    try {
      return RouteJson.parse(result.stdout(), family);
    } catch (IOException | IllegalArgumentException e) {
      throw new ExecException(
          "cannot parse the output of '" + command.display() + "': " + e.getMessage(), result, e);
    }
  }

  private static long resolve(TableRef ref, Map<String, Long> names, Executor executor)
      throws ExecException {
    Optional<Long> id = ref.resolve(names);
    if (id.isEmpty()) {
      throw new ExecException(
          "table '"
              + ref.name()
              + "' has no number: give it an id, or name it in rt_tables on "
              + executor.describe());
    }
    return id.get();
  }

  /** Reads iproute2's name files on the target (one process). */
  public static Iproute2Files readFiles(Executor executor, Path dir) throws ExecException {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", READ_FILES, "netconverge"));
    argv.add(dir.toString());
    if (dir.equals(ETC)) {
      // Only the folder iproute2 itself reads falls back to the defaults under /usr.
      argv.addAll(VENDOR_DIRS);
    }
    ExecResult result = executor.check(Command.of(argv));
    String ours = dir.resolve("rt_tables.d").resolve(Iproute2Files.FILE).toString();
    String ourProtos = dir.resolve("rt_protos.d").resolve(Iproute2Files.FILE).toString();
    boolean tablesDir = false;
    boolean protosDir = false;
    String tablesConf = null;
    String protosConf = null;
    Map<String, Long> known = new LinkedHashMap<>();
    String section = null;
    StringBuilder body = new StringBuilder();
    List<String> lines = new ArrayList<>(List.of(result.stdout().split("\n", -1)));
    lines.add("==> end");
    for (String line : lines) {
      if (!line.startsWith("==> ")) {
        body.append(line).append('\n');
        continue;
      }
      if (section != null) {
        // Less the newline the script's echo adds after each file: the file as it is, so that a
        // restore writes back exactly what was read.
        String text = body.isEmpty() ? "" : body.substring(0, body.length() - 1);
        if (section.equals(ours)) {
          tablesConf = text;
        } else if (section.equals(ourProtos)) {
          protosConf = text;
        } else {
          known.putAll(Iproute2Files.parse(text));
        }
      }
      body.setLength(0);
      section = null;
      String name = line.substring(4);
      if (name.equals("dir rt_tables.d")) {
        tablesDir = true;
      } else if (name.equals("dir rt_protos.d")) {
        protosDir = true;
      } else if (name.equals("dir vendor")) {
        tablesDir = true;
        protosDir = true;
      } else if (name.equals("dir itself")) {
        // A folder named instead of /etc/iproute2 (--names-dir) is where names are wanted: its
        // rt_tables.d and rt_protos.d are made (WRITE_FILE) rather than silently skipped.
        if (!dir.equals(ETC)) {
          tablesDir = true;
          protosDir = true;
        }
      } else if (!name.equals("end")) {
        section = name;
      }
    }
    return new Iproute2Files(tablesDir, tablesConf, protosDir, protosConf, known);
  }

  @Override
  public Diff<RoutePlan> diff(RouteTablesState declared, RouteTablesState live) {
    List<Change> changes = new ArrayList<>();
    List<RoutePlan.FileWrite> files = new ArrayList<>();
    Map<Family, List<RouteOp>> adds = new EnumMap<>(Family.class);
    Map<Family, List<String>> deletes = new EnumMap<>(Family.class);
    for (Op op : plan(declared, live)) {
      changes.add(op.change());
      if (op instanceof FileOp f) {
        files.add(new RoutePlan.FileWrite(f.folder(), f.content()));
      } else if (op instanceof RouteOp r) {
        if (r.add() != null) {
          adds.computeIfAbsent(r.add().family(), k -> new ArrayList<>()).add(r);
        }
        if (r.delete() != null) {
          deletes
              .computeIfAbsent(r.delete().family(), k -> new ArrayList<>())
              .add("route del " + String.join(" ", r.delete().deleteWords(r.table())));
        }
      }
    }
    Map<Family, List<String>> batches = new EnumMap<>(Family.class);
    for (Family family : Family.values()) {
      List<String> lines = new ArrayList<>();
      adds.getOrDefault(family, List.of()).stream()
          .sorted(Comparator.comparingInt(r -> r.add().batchOrder()))
          .forEach(
              r ->
                  lines.add(
                      "route "
                          + (r.replace() ? "replace " : "add ")
                          + String.join(" ", r.add().words(r.table()))));
      lines.addAll(deletes.getOrDefault(family, List.of()));
      if (!lines.isEmpty()) {
        batches.put(family, lines);
      }
    }
    return new Diff<>(changes, new RoutePlan(files, batches));
  }

  /** Our name files first (one process each), then one {@code ip -batch -} per family. */
  @Override
  public List<Command> commands(RoutePlan plan) {
    List<Command> commands = new ArrayList<>();
    for (RoutePlan.FileWrite f : plan.files()) {
      Path path = iproute2Dir.resolve(f.folder()).resolve(Iproute2Files.FILE);
      if (f.content() == null) {
        commands.add(Command.of("rm", "-f", "--", path.toString()));
      } else {
        commands.add(
            Command.of("sh", "-c", WRITE_FILE, "netconverge", path.toString())
                .withStdin(f.content()));
      }
    }
    plan.batches()
        .forEach(
            (family, lines) ->
                commands.add(
                    plan.force() ? IpBatch.forced(family, lines) : IpBatch.command(family, lines)));
    return commands;
  }

  /**
   * Our name files as they were, then per table: every route of our protocol goes ({@code route
   * flush ... proto}, whatever the apply got to), and every route the snapshot held is put back
   * with {@code route replace} in the words ip printed it, attributes we do not model included.
   * Routes of other protocols that the apply did not touch are replaced by themselves.
   */
  @Override
  public RoutePlan restore(RouteTablesState snapshot, RouteTablesState declared) {
    List<RoutePlan.FileWrite> files = new ArrayList<>();
    Iproute2Files had = snapshot.files();
    if (had != null) {
      if (had.tablesDir()) {
        files.add(new RoutePlan.FileWrite("rt_tables.d", had.tablesConf()));
      }
      if (had.protosDir()) {
        files.add(new RoutePlan.FileWrite("rt_protos.d", had.protosConf()));
      }
    }
    Map<String, Long> names = had == null ? TableRef.RESERVED : had.names();
    Map<Family, List<String>> batches = new EnumMap<>(Family.class);
    for (Family family : Family.values()) {
      boolean used =
          snapshot.captured().stream().anyMatch(r -> r.family() == family)
              || declared.tables().stream()
                  .flatMap(t -> t.routes().stream())
                  .anyMatch(r -> r.family() == family);
      if (!used) {
        continue;
      }
      List<String> lines = new ArrayList<>();
      for (RouteTable t : snapshot.tables()) {
        t.ref()
            .resolve(names)
            .ifPresent(id -> lines.add("route flush table " + id + " proto " + protocol));
      }
      snapshot.captured().stream()
          .filter(r -> r.family() == family)
          .sorted(Comparator.comparingInt(CapturedRoute::batchOrder))
          .forEach(r -> lines.add("route replace " + r.words()));
      batches.put(family, lines);
    }
    return new RoutePlan(files, batches, true);
  }

  /** One step of converging: a change to report and what to run for it. */
  private sealed interface Op permits RouteOp, FileOp, OkOp {
    Change change();
  }

  private record OkOp(Change change) implements Op {}

  /** Write (content) or remove (null) our file in rt_tables.d or rt_protos.d. */
  private record FileOp(Change change, String folder, String content) implements Op {}

  /**
   * @param add the route to add or replace, or null
   * @param replace replace a route with the same key rather than add one
   * @param delete the route to delete, or null
   */
  private record RouteOp(Change change, long table, Route add, boolean replace, Route delete)
      implements Op {}

  /** Pure: what converging does, in order. diff reports it, apply runs it. */
  private List<Op> plan(RouteTablesState declared, RouteTablesState live) {
    List<Op> ops = new ArrayList<>();
    Iproute2Files want = declared.files();
    Iproute2Files have = live.files();
    if (want != null && have != null) {
      fileOp(ops, "rt_tables.d", have.tablesDir(), want.tablesConf(), have.tablesConf());
      fileOp(ops, "rt_protos.d", have.protosDir(), want.protosConf(), have.protosConf());
    }
    Map<String, Long> names = have == null ? TableRef.RESERVED : have.names();
    Map<Long, RouteTable> liveById = new LinkedHashMap<>();
    for (RouteTable t : live.tables()) {
      t.ref().resolve(names).ifPresent(id -> liveById.put(id, t));
    }
    for (RouteTable t : declared.tables()) {
      long id =
          t.ref()
              .resolve(names)
              .orElseThrow(() -> new IllegalStateException("table " + t.ref() + " unresolved"));
      RouteTable in = liveById.get(id);
      planTable(ops, t, id, in == null ? List.of() : in.routes());
    }
    if (declared.protocolRoutes()) {
      java.util.Set<Long> kept = leftAlone(declared, names);
      for (RouteTable t : declared.tables()) {
        t.ref().resolve(names).ifPresent(kept::add);
      }
      liveById.forEach(
          (id, t) -> {
            if (!kept.contains(id)) {
              // No longer declared: only our routes in it go, named as the host names the table.
              planTable(ops, new RouteTable(nameOf(id, names), false, List.of()), id, t.routes());
            }
          });
    }
    return ops;
  }

  /**
   * The tables whose routes of our protocol are not ours to remove although the state does not
   * declare them: the kernel's local table and the held ones (a pending WAN's).
   */
  private static java.util.Set<Long> leftAlone(RouteTablesState declared, Map<String, Long> names) {
    java.util.Set<Long> ids = new java.util.HashSet<>();
    ids.add(TableRef.RESERVED.get("local"));
    for (TableRef t : declared.held()) {
      t.resolve(names).ifPresent(ids::add);
    }
    return ids;
  }

  /** The table as the host's names call it, for a report. */
  private static TableRef nameOf(long id, Map<String, Long> names) {
    for (Map.Entry<String, Long> e : names.entrySet()) {
      if (e.getValue() == id) {
        return new TableRef(id, e.getKey());
      }
    }
    return new TableRef(id, null);
  }

  private static void fileOp(
      List<Op> ops, String folder, boolean folderExists, String want, String have) {
    ResourceId resource = new ResourceId("file", folder + "/" + Iproute2Files.FILE);
    if (!folderExists) {
      return;
    }
    ChangeValue wantLines = lines(want);
    ChangeValue haveLines = lines(have);
    if (Iproute2Files.sameContent(want, have)) {
      ops.add(new OkOp(Change.ok(resource, haveLines)));
    } else if (have == null) {
      ops.add(
          new FileOp(
              Change.create(resource, wantLines, List.of(FieldChange.added("content", wantLines))),
              folder,
              want));
    } else if (want == null) {
      ops.add(
          new FileOp(
              Change.delete(
                  resource, haveLines, List.of(FieldChange.removed("content", haveLines))),
              folder,
              null));
    } else {
      ops.add(
          new FileOp(
              Change.update(
                  resource,
                  haveLines,
                  wantLines,
                  List.of(new FieldChange("content", haveLines, wantLines))),
              folder,
              want));
    }
  }

  /** The lines that name something, without our header: what a report shows. */
  private static ChangeValue lines(String conf) {
    if (conf == null) {
      return null;
    }
    return ChangeValue.text(
        String.join(
            "; ",
            conf.lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList()));
  }

  private void planTable(List<Op> ops, RouteTable table, long id, List<Route> liveRoutes) {
    String label =
        table.ref()
            + (table.ref().name() != null
                    && table.ref().id() != null
                    && !TableRef.RESERVED.containsKey(table.ref().name())
                ? "(" + id + ")"
                : "");
    Map<Route.Key, List<Route>> unmatched = new LinkedHashMap<>();
    for (Route r : liveRoutes) {
      unmatched.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
    }
    List<Route> pending = new ArrayList<>();
    // First the kernel's key: a route with the declared key is either OK or drifted in place.
    for (Route want : table.routes()) {
      List<Route> same = unmatched.get(want.key());
      if (same == null || same.isEmpty()) {
        pending.add(want);
        continue;
      }
      Route have = same.stream().filter(want::satisfiedBy).findFirst().orElse(same.get(0));
      same.remove(have);
      ResourceId resource = new ResourceId("route table", label + " " + want.key());
      if (want.satisfiedBy(have)) {
        ops.add(new OkOp(Change.ok(resource, have)));
      } else {
        ops.add(
            new RouteOp(
                Change.update(resource, have, want, have.differences(want)), id, want, true, null));
      }
    }
    // A declared route whose metric changed: the route it replaces is a removable one to the same
    // destination.
    for (Route want : pending) {
      Route have = null;
      for (List<Route> same : unmatched.values()) {
        for (Iterator<Route> it = same.iterator(); it.hasNext(); ) {
          Route r = it.next();
          if (r.family() == want.family() && r.to().equals(want.to()) && removable(table, r)) {
            have = r;
            it.remove();
            break;
          }
        }
        if (have != null) {
          break;
        }
      }
      ResourceId resource = new ResourceId("route table", label + " " + want.key());
      if (have == null) {
        ops.add(
            new RouteOp(
                Change.create(resource, want, List.of(FieldChange.added("route", want))),
                id,
                want,
                false,
                null));
      } else {
        ops.add(
            new RouteOp(
                Change.update(resource, have, want, have.differences(want)),
                id,
                want,
                false,
                have));
      }
    }
    for (List<Route> rest : unmatched.values()) {
      for (Route have : rest) {
        if (removable(table, have)) {
          ops.add(
              new RouteOp(
                  Change.delete(
                      new ResourceId("route table", label + " " + have.key()),
                      have,
                      List.of(FieldChange.removed("route", have))),
                  id,
                  null,
                  false,
                  have));
        }
      }
    }
  }

  /** A route we may remove: any in a table that purges, else only those we created. */
  private boolean removable(RouteTable table, Route route) {
    return table.purge() || route.protocol() == protocol;
  }
}
