package io.netconverge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netconverge.core.exec.ExecException;
import io.netconverge.facts.Facts;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "facts",
    description = "Show what the host has: kernel, tools, iptables backend, interfaces.")
final class FactsCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin TargetOptions target = new TargetOptions();

  @Mixin LoggingOptions logging = new LoggingOptions();

  @Option(names = "--output", paramLabel = "FORMAT", description = "text (default) or json.")
  OutputFormat output = OutputFormat.text;

  @Override
  public Integer call() throws Exception {
    ObjectNode facts;
    try {
      facts = Facts.gather(target.target().executor());
    } catch (ExecException e) {
      spec.commandLine().getErr().println("converge: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    var out = spec.commandLine().getOut();
    if (output == OutputFormat.json) {
      out.println(
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(facts));
      return ExitCodes.OK;
    }
    print(out, "", facts);
    return ExitCodes.OK;
  }

  private static void print(java.io.PrintWriter out, String indent, JsonNode node) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue().isObject()) {
        out.println(indent + e.getKey() + ":");
        print(out, indent + "  ", e.getValue());
      } else if (e.getValue().isArray()) {
        StringBuilder sb = new StringBuilder();
        e.getValue().forEach(v -> sb.append(sb.isEmpty() ? "" : ", ").append(v.asText()));
        out.println(indent + e.getKey() + ": " + sb);
      } else {
        out.println(
            indent
                + e.getKey()
                + ": "
                + (e.getValue().isNull() ? "(none)" : e.getValue().asText()));
      }
    }
  }
}
