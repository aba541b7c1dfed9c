package io.netconverge.nftables;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netconverge.core.spec.SpecLoader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what {@code nft -j -s list ruleset && nft -a -s list ruleset} prints (the JSON document on
 * its first line, then the text listing with handles) into one {@link TableForm} per table. The
 * JSON gives the structure and the canonical form of each part; the text, matched to it by handle,
 * gives what a user reads and what nft's JSON leaves out. Nothing here interprets a rule: parts are
 * compared as nft printed them.
 */
public final class NftListing {

  /** What to run on the target: both listings of one ruleset, stateless (no counter values). */
  public static final String LIST_BOTH = "nft -j -s list ruleset && nft -a -s list ruleset";

  private static final ObjectMapper JSON = SpecLoader.json();
  private static final Pattern HANDLE = Pattern.compile("\\s+# handle (\\d+)$");
  private static final Pattern TABLE_LINE = Pattern.compile("^table (\\S+) (\\S+) \\{.*");

  /**
   * nft 0.9.8 closes a named counter on its last line ({@code \t\tpackets 0 bytes 0\t}}); a tab
   * before a brace ends no rule or other line nft prints.
   */
  private static final Pattern GLUED_CLOSE = Pattern.compile("^(\\t\\t.*\\S)\\t}$");

  private static final Pattern ITEM_LINE =
      Pattern.compile("^\\t(\\S.*?) (\\S+) \\{( # handle (\\d+))?$");

  /** Keys that identify a part in the host, not what it is. */
  private static final Set<String> IDENTITY = Set.of("handle", "family", "table");

  private NftListing() {}

  /** Splits the output of {@link #LIST_BOTH}. */
  public static Map<NftTableName, TableForm> parse(String stdout) throws NftListingException {
    return parse(stdout, t -> true);
  }

  /**
   * Splits the output of {@link #LIST_BOTH}, keeping only the tables {@code keep} accepts: a
   * foreign table (iptables-nft's, with xt matches nft only half prints) is never interpreted.
   */
  public static Map<NftTableName, TableForm> parse(String stdout, Predicate<NftTableName> keep)
      throws NftListingException {
    int newline = stdout.indexOf('\n');
    String json = newline < 0 ? stdout : stdout.substring(0, newline);
    String text = newline < 0 ? "" : stdout.substring(newline + 1);
    return parse(json, text, keep);
  }

  public static Map<NftTableName, TableForm> parse(String json, String text)
      throws NftListingException {
    return parse(json, text, t -> true);
  }

  public static Map<NftTableName, TableForm> parse(
      String json, String text, Predicate<NftTableName> keep) throws NftListingException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new NftListingException("nft -j printed no JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.path("nftables").isArray()) {
      throw new NftListingException("nft -j printed no 'nftables' list");
    }
    Map<NftTableName, TextTable> texts = TextTable.parseAll(text);
    Map<NftTableName, Builder> tables = new LinkedHashMap<>();
    for (JsonNode entry : root.path("nftables")) {
      Iterator<Map.Entry<String, JsonNode>> fields = entry.fields();
      if (!fields.hasNext()) {
        continue;
      }
      Map.Entry<String, JsonNode> e = fields.next();
      String kind = e.getKey();
      JsonNode body = e.getValue();
      if (kind.equals("metainfo")) {
        continue;
      }
      if (kind.equals("table")) {
        NftTableName name =
            new NftTableName(body.path("family").asText(), body.path("name").asText());
        if (!keep.test(name)) {
          continue;
        }
        TextTable t = texts.get(name);
        if (t == null) {
          throw new NftListingException("table " + name + " is in nft's JSON but not its text");
        }
        tables.put(name, new Builder(name, body, t));
        continue;
      }
      NftTableName owner =
          new NftTableName(body.path("family").asText(), body.path("table").asText());
      Builder table = tables.get(owner);
      if (table == null && !keep.test(owner)) {
        continue;
      }
      if (table == null) {
        throw new NftListingException(kind + " of unknown table " + owner);
      }
      if (kind.equals("rule")) {
        table.rule(body);
      } else {
        table.item(kind, body);
      }
    }
    Map<NftTableName, TableForm> forms = new LinkedHashMap<>();
    for (var e : tables.entrySet()) {
      forms.put(e.getKey(), e.getValue().build());
    }
    return forms;
  }

  /** nft's JSON with what is not state removed and unordered lists sorted, as one string. */
  static String canonical(JsonNode node) {
    return canonicalNode(node, "", true).toString();
  }

  private static JsonNode canonicalNode(JsonNode node, String key, boolean top) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      node.fields()
          .forEachRemaining(
              f -> {
                String k = f.getKey();
                if (top && IDENTITY.contains(k)) {
                  return;
                }
                if ((key.equals("counter") || top) && (k.equals("packets") || k.equals("bytes"))) {
                  return;
                }
                if (key.equals("quota") && (k.equals("used") || k.equals("used_unit"))) {
                  return;
                }
                if (key.equals("elem") && k.equals("expires")) {
                  return;
                }
                sorted.put(k, canonicalNode(f.getValue(), k, false));
              });
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      sorted.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      List<JsonNode> items = new ArrayList<>();
      node.forEach(n -> items.add(canonicalNode(n, key, false)));
      // Elements of a set are a set: the kernel lists them in hash order.
      if (key.equals("elem") || key.equals("set")) {
        items.sort(Comparator.comparing(JsonNode::toString));
      }
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      items.forEach(out::add);
      return out;
    }
    return node;
  }

  static String withoutHandle(String line) {
    return HANDLE.matcher(line).replaceFirst("");
  }

  /** Collects one table's parts from the JSON, pairing each with its text by handle. */
  private static final class Builder {
    private final NftTableName name;
    private final JsonNode table;
    private final TextTable text;
    private final Map<String, JsonNode> itemJson = new LinkedHashMap<>();
    private final Map<String, String> itemKinds = new HashMap<>();
    private final Map<String, List<TableForm.Rule>> rules = new HashMap<>();

    Builder(NftTableName name, JsonNode table, TextTable text) {
      this.name = name;
      this.table = table;
      this.text = text;
    }

    void item(String kind, JsonNode body) {
      String id = kind + " " + body.path("name").asText();
      itemJson.put(id, body);
      itemKinds.put(id, kind);
    }

    void rule(JsonNode body) throws NftListingException {
      String chain = body.path("chain").asText();
      long handle = body.path("handle").asLong(-1);
      String line = text.rules.get(chain + "#" + handle);
      if (line == null) {
        throw new NftListingException(
            "rule " + handle + " of chain " + chain + " in " + name + " is not in nft's text");
      }
      rules
          .computeIfAbsent(chain, c -> new ArrayList<>())
          .add(new TableForm.Rule(canonical(body) + "\n" + line, line));
    }

    TableForm build() throws NftListingException {
      List<TableForm.Item> items = new ArrayList<>();
      for (var e : itemJson.entrySet()) {
        String kind = itemKinds.get(e.getKey());
        JsonNode body = e.getValue();
        String itemName = body.path("name").asText();
        long handle = body.path("handle").asLong(-1);
        TextTable.Block block = text.blocks.get(kind + " " + itemName);
        if (block == null || (block.handle() >= 0 && block.handle() != handle)) {
          throw new NftListingException(
              kind + " " + itemName + " of " + name + " is not in nft's text");
        }
        ObjectNode noElements = body.deepCopy();
        noElements.remove("elem");
        String textNoElements = withoutElements(block.text());
        boolean filled =
            block
                    .text()
                    .lines()
                    .anyMatch(
                        l ->
                            l.strip().startsWith("flags ")
                                && (l.contains("dynamic") || l.contains("timeout")))
                || body.path("flags").toString().contains("dynamic")
                || body.path("flags").toString().contains("timeout");
        items.add(
            new TableForm.Item(
                kind,
                itemName,
                canonical(body) + "\n" + block.text(),
                canonical(noElements) + "\n" + textNoElements,
                filled,
                body.has("elem"),
                block.text(),
                kind.equals("chain") ? rules.getOrDefault(itemName, List.of()) : List.of()));
      }
      String restore = text.definition;
      for (var e : itemJson.entrySet()) {
        TextTable.Block block =
            text.blocks.get(itemKinds.get(e.getKey()) + " " + e.getValue().path("name").asText());
        Optional<String> timed = withExpiries(block.text(), e.getValue().path("elem"));
        if (timed.isPresent()) {
          restore = restore.replace(block.text() + "\n", timed.get() + "\n");
        }
      }
      return new TableForm(
          name,
          canonical(table) + "\n" + text.attributes,
          text.attributes,
          items,
          text.definition,
          restore);
    }
  }

  /**
   * The elements of a set's or map's text as nft printed them, e.g. {@code 192.0.2.9, 192.0.2.10},
   * ready for {@code add element ... { }}; empty when it has none.
   */
  static Optional<String> elementsOf(String block) {
    StringBuilder sb = new StringBuilder();
    boolean inElements = false;
    for (String line : block.split("\n", -1)) {
      String l = line.strip();
      if (!inElements && l.startsWith("elements = {")) {
        inElements = true;
        l = l.substring("elements = {".length());
      } else if (!inElements) {
        continue;
      }
      boolean last = l.endsWith("}");
      sb.append(' ').append(last ? l.substring(0, l.length() - 1) : l);
      if (last) {
        break;
      }
    }
    String elements = sb.toString().strip();
    return elements.isEmpty() ? Optional.empty() : Optional.of(elements);
  }

  /**
   * A set's or map's text with each element's remaining time ({@code expires}, which the stateless
   * listing leaves out) from nft's JSON of it, paired by position; empty when no element has one,
   * or the two listings do not pair up (the datapath added one between them).
   */
  static Optional<String> withExpiries(String block, JsonNode elems) {
    if (!elems.isArray() || elems.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> elements = elementsOf(block);
    if (elements.isEmpty()) {
      return Optional.empty();
    }
    List<String> texts = splitElements(elements.get());
    if (texts.size() != elems.size()) {
      return Optional.empty();
    }
    List<String> timed = new ArrayList<>();
    boolean any = false;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      JsonNode elem = elems.get(i).path("elem");
      JsonNode val = elem.path("val");
      if (val.isTextual() && !text.startsWith(val.asText())) {
        return Optional.empty();
      }
      long expires = elem.path("expires").asLong(0);
      if (expires <= 0) {
        timed.add(text);
        continue;
      }
      any = true;
      // A map element's options come before its " : " and value.
      int colon = topLevel(text, " : ");
      String option = " expires " + expires + "s";
      timed.add(
          colon < 0 ? text + option : text.substring(0, colon) + option + text.substring(colon));
    }
    if (!any) {
      return Optional.empty();
    }
    String rest = withoutElements(block);
    int close = rest.lastIndexOf('}');
    return Optional.of(
        rest.substring(0, close)
            + "\telements = { "
            + String.join(", ", timed)
            + " }\n"
            + rest.substring(close));
  }

  /** Elements as nft printed them, split at the commas between them (not within quotes). */
  static List<String> splitElements(String elements) {
    List<String> parts = new ArrayList<>();
    int start = 0;
    int at;
    while ((at = topLevel(elements.substring(start), ",")) >= 0) {
      parts.add(elements.substring(start, start + at).strip());
      start += at + 1;
    }
    parts.add(elements.substring(start).strip());
    return parts;
  }

  /** Where {@code token} first occurs outside quotes and braces; -1 when it does not. */
  private static int topLevel(String text, String token) {
    boolean quoted = false;
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '{' || c == '[')) {
        depth++;
      } else if (!quoted && (c == '}' || c == ']')) {
        depth--;
      } else if (!quoted && depth == 0 && text.startsWith(token, i)) {
        return i;
      }
    }
    return -1;
  }

  /** A set's or map's text without its {@code elements = { ... }} lines. */
  static String withoutElements(String block) {
    StringBuilder sb = new StringBuilder();
    boolean inElements = false;
    for (String line : block.split("\n", -1)) {
      if (!inElements && line.strip().startsWith("elements = {")) {
        inElements = !line.stripTrailing().endsWith("}");
        continue;
      }
      if (inElements) {
        inElements = !line.stripTrailing().endsWith("}");
        continue;
      }
      sb.append(line).append('\n');
    }
    return sb.toString().stripTrailing();
  }

  /**
   * The text listing of one table, split by nft's layout: the table at column 0, its parts one tab
   * in, a chain's rules two tabs in, each header and rule ending with {@code # handle N}.
   */
  private record TextTable(
      Map<String, Block> blocks, Map<String, String> rules, String attributes, String definition) {

    record Block(long handle, String text) {}

    static Map<NftTableName, TextTable> parseAll(String text) throws NftListingException {
      Map<NftTableName, TextTable> tables = new LinkedHashMap<>();
      String[] lines = text.split("\n");
      for (int i = 0; i < lines.length; i++) {
        Matcher table = TABLE_LINE.matcher(lines[i]);
        if (!table.matches()) {
          continue;
        }
        int end = i + 1;
        while (end < lines.length && !lines[end].equals("}")) {
          end++;
        }
        if (end == lines.length) {
          throw new NftListingException(
              "nft's text of table " + table.group(1) + " " + table.group(2) + " does not end");
        }
        tables.put(
            new NftTableName(table.group(1), table.group(2)),
            parseTable(List.of(lines).subList(i + 1, end)));
        i = end;
      }
      return tables;
    }

    private static TextTable parseTable(List<String> body) {
      Map<String, Block> blocks = new LinkedHashMap<>();
      Map<String, String> rules = new HashMap<>();
      List<String> attributes = new ArrayList<>();
      StringBuilder definition = new StringBuilder();
      for (int i = 0; i < body.size(); i++) {
        String line = body.get(i);
        definition.append(withoutHandle(line).replaceFirst("^\\t", "")).append('\n');
        Matcher item = ITEM_LINE.matcher(line);
        if (!item.matches()) {
          if (!line.isBlank()) {
            attributes.add(line.strip());
          }
          continue;
        }
        String kind = item.group(1);
        String itemName = item.group(2);
        long handle = item.group(4) == null ? -1 : Long.parseLong(item.group(4));
        StringBuilder block = new StringBuilder(kind + " " + itemName + " {\n");
        int j = i + 1;
        boolean closed = false;
        for (; j < body.size(); j++) {
          String inner = body.get(j);
          if (inner.equals("\t}")) {
            closed = true;
            break;
          }
          Matcher glued = GLUED_CLOSE.matcher(inner);
          if (glued.matches()) {
            inner = glued.group(1);
            closed = true;
          }
          definition.append(withoutHandle(inner).replaceFirst("^\\t", "")).append('\n');
          Matcher h = HANDLE.matcher(inner);
          if (kind.equals("chain") && h.find() && inner.startsWith("\t\t")) {
            rules.put(itemName + "#" + h.group(1), withoutHandle(inner).strip());
          } else {
            block.append(withoutHandle(inner).replaceFirst("^\\t", "")).append('\n');
          }
          if (closed) {
            break;
          }
        }
        if (closed) {
          definition.append("}\n");
        }
        block.append("}");
        blocks.put(kind + " " + itemName, new Block(handle, block.toString()));
        i = j;
      }
      return new TextTable(
          blocks, rules, String.join("\n", attributes), definition.toString().strip() + "\n");
    }
  }
}
