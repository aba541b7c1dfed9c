package io.netconverge.iprule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.net.Mark;
import io.netconverge.core.net.TableRef;
import io.netconverge.core.spec.SpecLoader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Parses {@code ip -N -j -d rule show}: numbers for tables, actions and protocols. */
public final class IpRuleJson {

  /** FR_ACT_TO_TBL: look up a table. */
  static final int TO_TABLE = 1;

  private static final ObjectMapper JSON = SpecLoader.json();

  private IpRuleJson() {}

  /** Every rule of the family, in the kernel's order (priority, then age). */
  public static List<IpRule> parse(String json, Family family) throws IOException {
    List<IpRule> rules = new ArrayList<>();
    if (json.isBlank()) {
      return rules;
    }
    for (JsonNode n : JSON.readTree(json)) {
      if (n.has("goto")) {
        // No file declares a goto rule, so none is ever ours to match (nor to remove).
        continue;
      }
      int actionNumber = n.has("action") ? Integer.parseInt(n.get("action").asText()) : TO_TABLE;
      RuleAction action = null;
      for (RuleAction a : RuleAction.values()) {
        if (a.number() == actionNumber) {
          action = a;
        }
      }
      if (action == null && actionNumber != TO_TABLE) {
        // goto and nop rules: no file declares them, so they are never ours to match.
        continue;
      }
      rules.add(
          new IpRule(
              family,
              n.path("priority").asLong(0),
              n.has("not"),
              prefix(n, "src", "srclen", family),
              prefix(n, "dst", "dstlen", family),
              n.has("fwmark")
                  ? new Mark(
                      Mark.number(n.get("fwmark").asText(), "fwmark"),
                      n.has("fwmask") ? Mark.number(n.get("fwmask").asText(), "fwmask") : Mark.FULL)
                  : null,
              n.has("iif") ? n.get("iif").asText() : null,
              n.has("oif") ? n.get("oif").asText() : null,
              action == null ? TableRef.id(Long.parseLong(n.path("table").asText("254"))) : null,
              n.has("suppress_prefixlen") ? n.get("suppress_prefixlen").asInt() : null,
              action,
              range(n, "uid"),
              n.has("ipproto") ? ipProto(n.get("ipproto").asText()) : 0,
              port(n, "sport"),
              port(n, "dport"),
              n.has("protocol") ? Integer.parseInt(n.get("protocol").asText()) : 0));
    }
    return rules;
  }

  private static IpPrefix prefix(JsonNode n, String field, String lengthField, Family family) {
    String text = n.path(field).asText("all");
    if (text.equals("all")) {
      return null;
    }
    int max = family == Family.IPV4 ? 32 : 128;
    return IpPrefix.of(text, n.path(lengthField).asInt(max));
  }

  private static PortRange range(JsonNode n, String prefix) {
    if (!n.has(prefix + "_start")) {
      return null;
    }
    return new PortRange(n.get(prefix + "_start").asLong(), n.get(prefix + "_end").asLong());
  }

  private static PortRange port(JsonNode n, String field) {
    if (n.has(field)) {
      long p = n.get(field).asLong();
      return new PortRange(p, p);
    }
    return range(n, field);
  }

  /** {@code tcp}, or with -N {@code ipproto-6}. */
  private static int ipProto(String text) {
    String s = text.startsWith("ipproto-") ? text.substring("ipproto-".length()) : text;
    return IpRuleSpec.protocolNumber(s);
  }
}
