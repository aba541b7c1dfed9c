package io.netconverge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netconverge.core.engine.Action;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.Failure;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.PendingPart;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Prints host reports as text (changes, then an Ansible-like recap) or as one JSON document. */
final class ReportWriter {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportWriter() {}

  static void text(PrintWriter out, HostReport report, boolean diff) {
    out.println(report.mode().name().toLowerCase(Locale.ROOT) + " " + report.host());
    for (Change c : report.pending()) {
      out.println("  " + symbol(c.action()) + " " + c.resource().render() + inline(c));
      if (diff) {
        for (FieldChange f : c.fields()) {
          out.println("      " + f.field() + ":");
          if (f.before() != null) {
            f.beforeText().lines().forEach(l -> out.println("        - " + l));
          }
          if (f.after() != null) {
            f.afterText().lines().forEach(l -> out.println("        + " + l));
          }
        }
      }
    }
    if (report.error() != null) {
      if (report.status() == HostReport.Status.INVALID) {
        // The located problems go to stderr in full, as for any invalid file.
        // A value refused only by the apply itself: what it changed was put back (verified).
        out.println(
            (report.restored()
                    ? "  INVALID (restored, nothing is left changed): "
                    : "  INVALID (nothing was changed): ")
                + report.error().lines().findFirst().orElse(""));
      } else if (report.status() == HostReport.Status.CANCELLED) {
        out.println("  CANCELLED: " + report.error());
      } else {
        out.println("  FAILED: " + report.error());
      }
      if (report.mode() == io.netconverge.core.engine.Mode.APPLY
          && (report.status() == HostReport.Status.FAILED
              || report.status() == HostReport.Status.CANCELLED)
          && !report.pending().isEmpty()) {
        switch (report.restoration().outcome()) {
          case RESTORED -> out.println("  the state read before apply was restored");
          case INCOMPLETE -> out.println("  the state could NOT be fully restored");
          case PENDING ->
              out.println(
                  "  NOT verified from here: the reverter on the host restores the state read"
                      + " before apply at about "
                      + report.restoration().revertsAt().map(Object::toString).orElse("?"));
          case NOT_NEEDED -> {
            if (report.status() == HostReport.Status.CANCELLED) {
              out.println("  nothing was changed");
            }
          }
        }
      }
    }
    for (PendingPart p : report.pendingParts()) {
      out.println("  pending " + p);
    }
  }

  static void recap(PrintWriter out, List<HostReport> reports) {
    for (HostReport r : reports) {
      out.printf(
          Locale.ROOT,
          "%s : ok=%d changed=%d failed=%d%s%s%s%n",
          r.host(),
          r.ok(),
          r.changed(),
          r.failed(),
          // A grep of the recap must not read a host with parts left out as fully converged.
          r.pendingParts().isEmpty() ? "" : " pending=" + r.pendingParts().size(),
          // Applied, but the reverter on the host restores it unless confirmed in time.
          r.confirmBy().map(t -> " NOT CONFIRMED (reverts at " + t + ")").orElse(""),
          r.status() == HostReport.Status.LOCKED
              ? " locked"
              : r.status() == HostReport.Status.INVALID
                  // The target's tools refused the file: the file is to fix, not the host.
                  ? " invalid"
                  : r.error() != null && r.error().startsWith(FleetRun.NOT_RUN) ? " not run" : "");
    }
  }

  /** Resources whose fields are the lines of a list (rules): their changes are counted. */
  private static final java.util.Set<String> RULE_LISTS =
      java.util.Set.of("nftables table", "iptables", "ip6tables");

  /** A one-line value change reads best next to its name: {@code: 0 -> 1}. */
  private static String inline(Change c) {
    if (c.fields().size() == 1) {
      FieldChange f = c.fields().get(0);
      boolean oneLine =
          (f.before() == null || !f.beforeText().contains("\n"))
              && (f.after() == null || !f.afterText().contains("\n"));
      if (oneLine && f.field().equals("value")) {
        return ": " + orAbsent(f.beforeText()) + " -> " + orAbsent(f.afterText());
      }
    }
    if (c.action() != Action.UPDATE && c.fields().size() == 1) {
      return ""; // one thing created or removed: the symbol says it all
    }
    if (c.fields().isEmpty()) {
      return "";
    }
    if (!RULE_LISTS.contains(c.resource().kind())) {
      // One route, rule or link: its fields by name (--diff shows their values).
      return " ("
          + c.fields().stream().map(FieldChange::field).distinct().collect(Collectors.joining(", "))
          + ")";
    }
    long added = c.fields().stream().filter(f -> f.before() == null).count();
    long removed = c.fields().stream().filter(f -> f.after() == null).count();
    long changed = c.fields().size() - added - removed;
    return " (" + added + " added, " + changed + " changed, " + removed + " removed)";
  }

  private static String orAbsent(String value) {
    return value == null ? "(absent)" : value;
  }

  private static char symbol(Action action) {
    return switch (action) {
      case CREATE -> '+';
      case UPDATE -> '~';
      case DELETE -> '-';
      case OK -> '=';
    };
  }

  static void json(PrintWriter out, String command, String file, List<HostReport> reports) {
    json(out, command, file, reports, java.util.Map.of());
  }

  /**
   * @param wans per host name, its WANs as the converge found them: each host with WANs gets {@code
   *     wans[]} and {@code pending[]} ({@code wan}, {@code resource}, {@code reason})
   */
  static void json(
      PrintWriter out,
      String command,
      String file,
      List<HostReport> reports,
      java.util.Map<String, List<io.netconverge.wan.WanStatus>> wans) {
    print(out, document(command, file, reports, wans));
  }

  /** Prints a JSON document on one line. */
  static void print(PrintWriter out, ObjectNode document) {
    try {
      out.println(JSON.writeValueAsString(document));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the JSON report", e);
    }
  }

  /**
   * The file itself is invalid: nothing was run on any host. With {@code --output json}, a document
   * says so on stdout ({@code status: "invalid"}, {@code problems[]} with {@code file}, {@code
   * line}, {@code column}, {@code field} and {@code message}, an empty {@code hosts[]}), so that a
   * JSON reader gets one document for every exit; the text always goes to stderr. Returns the exit
   * code, 65.
   */
  static int invalidFile(
      PrintWriter out,
      PrintWriter err,
      OutputFormat output,
      String command,
      java.nio.file.Path file,
      io.netconverge.core.spec.InvalidSpecException e) {
    err.println(e.getMessage());
    err.println("converge: " + file + " is not valid; nothing was run");
    if (output == OutputFormat.json) {
      print(out, invalidDocument(command, file, e.problems()));
    }
    return ExitCodes.INVALID_FILE;
  }

  /** The document of a file that is not valid (see {@link #invalidFile}). */
  static ObjectNode invalidDocument(
      String command, java.nio.file.Path file, List<io.netconverge.core.spec.SpecProblem> found) {
    ObjectNode root = JSON.createObjectNode();
    root.put("command", command);
    root.put("file", file.toString());
    root.put("status", "invalid");
    ArrayNode problems = root.putArray("problems");
    for (io.netconverge.core.spec.SpecProblem p : found) {
      problems
          .addObject()
          .put("file", p.source())
          .put("line", p.line())
          .put("column", p.column())
          .put("field", p.path())
          .put("message", p.message());
    }
    root.putArray("hosts");
    return root;
  }

  /** The JSON document of {@link #json}, to print or to nest in another. */
  static ObjectNode document(
      String command,
      String file,
      List<HostReport> reports,
      java.util.Map<String, List<io.netconverge.wan.WanStatus>> wans) {
    ObjectNode root = JSON.createObjectNode();
    root.put("command", command);
    root.put("file", file);
    ArrayNode hosts = root.putArray("hosts");
    for (HostReport r : reports) {
      ObjectNode h = hosts.addObject();
      h.put("host", r.host());
      h.put("status", r.status().name().toLowerCase(Locale.ROOT));
      h.put("ok", r.ok());
      h.put("changed", r.changed());
      h.put("failed", r.failed());
      h.put("degraded", r.degraded());
      if (r.confirmBy().isPresent()) {
        h.put("confirmBy", r.confirmBy().get().toString());
      } else {
        h.putNull("confirmBy");
      }
      if (r.failure().isPresent()) {
        Failure f = r.failure().get();
        h.put("error", f.message());
        HostReport.Restoration restoration = r.restoration();
        switch (restoration.outcome()) {
          case RESTORED -> h.put("restored", true);
          case NOT_NEEDED -> h.put("restored", false);
          case INCOMPLETE -> h.put("restored", "incomplete");
          case PENDING -> h.put("restored", "pending");
        }
        ObjectNode restore = h.putObject("restore");
        restore.put("outcome", restoration.outcome().name().toLowerCase(Locale.ROOT));
        ArrayNode modules = restore.putArray("modules");
        restoration.modules().forEach(modules::add);
        restore.put("difference", restoration.difference());
        if (restoration.revertsAt().isPresent()) {
          restore.put("revertsAt", restoration.revertsAt().get().toString());
        } else {
          restore.putNull("revertsAt");
        }
        ObjectNode failure = h.putObject("failure");
        failure.put("module", f.module().orElse(null));
        ArrayNode argv = failure.putArray("command");
        f.command().forEach(argv::add);
        if (f.exitCode().isPresent()) {
          failure.put("exitCode", f.exitCode().getAsInt());
        } else {
          failure.putNull("exitCode");
        }
        failure.put("stderr", f.stderr());
        failure.put("message", f.message());
      }
      List<io.netconverge.wan.WanStatus> hostWans = wans.get(r.host());
      if (hostWans != null && !hostWans.isEmpty()) {
        ArrayNode wanArray = h.putArray("wans");
        ArrayNode pending = h.putArray("pending");
        for (io.netconverge.wan.WanStatus w : hostWans) {
          wanArray.add(io.netconverge.wan.WatchState.wan(w));
          for (PendingPart p : w.pending()) {
            pending
                .addObject()
                .put("wan", p.wan())
                .put("resource", p.resource())
                .put("reason", p.reason());
          }
        }
      }
      ArrayNode changes = h.putArray("changes");
      for (Change c : r.pending()) {
        ObjectNode o = changes.addObject();
        o.put("resource", c.resource().render());
        o.put("action", c.action().name().toLowerCase(Locale.ROOT));
        o.put("before", c.beforeText());
        o.put("after", c.afterText());
        ArrayNode fields = o.putArray("fields");
        for (FieldChange f : c.fields()) {
          fields
              .addObject()
              .put("field", f.field())
              .put("before", f.beforeText())
              .put("after", f.afterText());
        }
      }
    }
    return root;
  }
}
