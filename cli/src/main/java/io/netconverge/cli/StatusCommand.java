package io.netconverge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netconverge.core.engine.PendingPart;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.wan.Health;
import io.netconverge.wan.LiveHostState;
import io.netconverge.wan.WanFacts;
import io.netconverge.wan.WanStatus;
import io.netconverge.wan.WatchState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show each WAN: link, gateway, health, last transition, pending parts.",
      "Link, gateway and pending parts are read from the host now; health and transitions come"
          + " from the running `converge watch` of the same network namespace (a tracked WAN is"
          + " unknown when none runs)."
    })
final class StatusCommand implements Callable<Integer> {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A HostState file with dualWan.")
  Path file;

  @Mixin TargetOptions target = new TargetOptions();

  @Mixin NamesOptions names = new NamesOptions();

  @Mixin LoggingOptions logging = new LoggingOptions();

  @Option(names = "--output", paramLabel = "FORMAT", description = "text (default) or json.")
  OutputFormat output = OutputFormat.text;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SpecLoader.Loaded<HostStateSpec> loaded;
    WanFile.Result result = WanFile.load(file, "status", err);
    if (result instanceof WanFile.Refused refused) {
      if (refused.exitCode() == ExitCodes.INVALID_FILE && output == OutputFormat.text) {
        lastValidVersion(out);
      }
      return refused.exitCode();
    }
    loaded = ((WanFile.Usable) result).loaded();
    Target where = target.target();
    Optional<JsonNode> watch;
    LiveHostState live;
    Path stateFile;
    try {
      stateFile = WatchState.file(where.executor());
      watch = WatchState.readRunning(stateFile);
      Map<String, Health> health = new HashMap<>();
      watch.ifPresent(
          doc ->
              doc.path("wans")
                  .forEach(
                      w ->
                          health.put(
                              w.path("name").asText(),
                              Health.valueOf(w.path("health").asText().toUpperCase(Locale.ROOT)))));
      live =
          LiveHostState.resolve(
              loaded.spec(),
              loaded.source(),
              names.dirOr(HostState.defaultNamesDir()),
              WanFacts.read(where.executor()),
              health);
    } catch (ExecException e) {
      err.println("converge: cannot read the WANs of " + where.name() + ": " + e.getMessage());
      return ExitCodes.FAILED;
    }
    Map<String, JsonNode> watched = new HashMap<>();
    watch.ifPresent(doc -> doc.path("wans").forEach(w -> watched.put(w.path("name").asText(), w)));

    ObjectNode root = JSON.createObjectNode();
    root.put("host", where.name());
    root.put("file", file.toString());
    ObjectNode w = root.putObject("watch");
    w.put("running", watch.isPresent());
    w.put("stateFile", stateFile.toString());
    watch.ifPresent(
        doc -> {
          w.put("pid", doc.path("pid").asLong());
          w.put("updated", doc.path("updated").asText());
        });
    ArrayNode wans = root.putArray("wans");
    for (WanStatus s : live.wans()) {
      ObjectNode o = WatchState.wan(s);
      JsonNode fromWatch = watched.get(s.name());
      if (fromWatch != null && fromWatch.has("lastTransition")) {
        o.set("lastTransition", fromWatch.get("lastTransition"));
      }
      wans.add(o);
    }
    root.set(
        "transitions", watch.map(doc -> doc.path("transitions")).orElse(JSON.createArrayNode()));
    watch
        .map(doc -> doc.path("lastConverge"))
        .filter(JsonNode::isObject)
        .ifPresent(c -> w.set("lastConverge", c));
    if (output == OutputFormat.json) {
      out.println(JSON.writeValueAsString(root));
      return ExitCodes.OK;
    }
    out.println(
        watch.isPresent()
            ? "watch: running (pid "
                + watch.get().path("pid").asLong()
                + "), health as of "
                + watch.get().path("updated").asText()
            : "watch: not running; link, gateway and pending parts are read now, tracked health is"
                + " unknown");
    watch.flatMap(StatusCommand::failedConverge).ifPresent(out::println);
    for (JsonNode o : wans) {
      printWan(out, o, loaded.spec().dualWan().defaultTable() != null);
      JsonNode t = o.path("lastTransition");
      if (!t.isMissingNode()) {
        out.println(
            "  last transition "
                + t.path("at").asText()
                + ": "
                + t.path("from").asText()
                + " -> "
                + t.path("to").asText()
                + " ("
                + t.path("reason").asText()
                + ")");
      }
    }
    for (PendingPart p : live.pending()) {
      out.println("  pending " + p);
    }
    return ExitCodes.OK;
  }

  /**
   * The file does not load (its problems are on stderr): a running watch keeps converging the last
   * valid version of it, and what it last wrote is still worth seeing.
   */
  private void lastValidVersion(PrintWriter out) {
    Optional<JsonNode> watch;
    try {
      watch = WatchState.readRunning(WatchState.file(target.target().executor()));
    } catch (ExecException e) {
      return;
    }
    watch.ifPresent(
        doc -> {
          out.println(
              "watch: running (pid "
                  + doc.path("pid").asLong()
                  + ") with the last valid version of "
                  + file
                  + "; as of "
                  + doc.path("updated").asText()
                  + ":");
          failedConverge(doc).ifPresent(out::println);
          // Whether that version has an outbound default is not known here: in use or not.
          doc.path("wans").forEach(w -> printWan(out, w, false));
          out.flush();
        });
  }

  /** One WAN as status shows it (the JSON of {@link WatchState#wan}). */
  private static void printWan(PrintWriter out, JsonNode o, boolean outboundDefault) {
    out.printf(
        Locale.ROOT,
        "%s (%s): link %s, gateway %s%s, health %s, %s%n",
        o.path("name").asText(),
        o.path("interface").asText(),
        o.path("link").asText(),
        o.path("gateway").isNull() ? "(none)" : o.path("gateway").asText(),
        o.path("gateway6").isNull() ? "" : ", gateway6 " + o.path("gateway6").asText(),
        o.path("health").asText(),
        standing(o.path("active").asBoolean(), outboundDefault));
  }

  /**
   * The line that says the watch's last converge did not succeed (the WANs below are then what the
   * file wants, not what the host has), if it did not.
   */
  static Optional<String> failedConverge(JsonNode watchState) {
    JsonNode c = watchState.path("lastConverge");
    if (!c.isObject() || List.of("ok", "changed").contains(c.path("status").asText())) {
      return Optional.empty();
    }
    return Optional.of(
        "watch: its last converge ("
            + c.path("at").asText()
            + ") "
            + c.path("status").asText().toUpperCase(Locale.ROOT)
            + ": "
            + c.path("error").asText()
            + " (it tries again)");
  }

  /**
   * Where a WAN stands: in or out of the outbound default when the profile has one, else whether it
   * carries its marked traffic (ready and not tracked down).
   */
  static String standing(boolean active, boolean outboundDefault) {
    if (outboundDefault) {
      return active ? "in the outbound default" : "not in the outbound default";
    }
    return active ? "in use" : "not in use";
  }
}
