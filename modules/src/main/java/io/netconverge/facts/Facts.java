package io.netconverge.facts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netconverge.core.engine.NamespaceLock;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.spec.SpecLoader;
import java.io.IOException;

/**
 * What a host has that matters for converging it: kernel, namespace, tool versions and the iptables
 * backend, interfaces and their addresses. Missing tools are facts too, not errors.
 */
public final class Facts {

  private static final ObjectMapper JSON = SpecLoader.json();

  private Facts() {}

  public static ObjectNode gather(Executor executor) throws ExecException {
    ObjectNode facts = JSON.createObjectNode();
    facts.put("target", executor.describe());
    facts.put("kernel", firstLine(executor, "uname", "-r"));
    facts.put("hostname", firstLine(executor, "cat", "/proc/sys/kernel/hostname"));
    facts.put("netnsInode", NamespaceLock.namespaceId(executor));
    ObjectNode tools = facts.putObject("tools");
    tools.put("ip", firstLine(executor, "ip", "-V"));
    tools.put("nft", firstLine(executor, "nft", "--version"));
    tools.put("iptables", firstLine(executor, "iptables", "--version"));
    tools.put("sysctl", firstLine(executor, "sysctl", "--version"));
    String iptables = tools.path("iptables").asText("");
    facts.put(
        "iptablesBackend",
        iptables.contains("nf_tables") ? "nft" : iptables.contains("legacy") ? "legacy" : null);
    ExecResult links = executor.run(Command.of("ip", "-j", "addr", "show"));
    if (links.ok()) {
      try {
        ObjectNode interfaces = facts.putObject("interfaces");
        for (JsonNode link : JSON.readTree(links.stdout())) {
          ObjectNode itf = interfaces.putObject(link.path("ifname").asText());
          itf.put("state", link.path("operstate").asText());
          var addresses = itf.putArray("addresses");
          for (JsonNode a : link.path("addr_info")) {
            addresses.add(a.path("local").asText() + "/" + a.path("prefixlen").asText());
          }
        }
      } catch (IOException e) {
        throw new ExecException("cannot parse 'ip -j addr show': " + e.getMessage(), links, e);
      }
    }
    return facts;
  }

  /** The first line of a command's output, or null when the command is missing or fails. */
  private static String firstLine(Executor executor, String... argv) {
    try {
      ExecResult r = executor.run(Command.of(argv));
      String text = r.stdout().isBlank() ? r.stderr() : r.stdout();
      return r.ok() ? text.lines().findFirst().map(String::strip).orElse("") : null;
    } catch (ExecException e) {
      return null;
    }
  }
}
