package io.netconverge.route;

import io.netconverge.core.net.TableRef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What netconverge keeps in iproute2's configuration folder: the names of its tables in {@code
 * rt_tables.d/netconverge.conf} and the name of its protocol in {@code
 * rt_protos.d/netconverge.conf} (each where the target's iproute2 reads it), and the table names
 * the host already knows.
 *
 * @param tablesDir whether iproute2 reads rt_tables.d there: it exists, or the target's iproute2
 *     keeps its defaults under /usr and reads it anyway (declared: whether names are written)
 * @param tablesConf the content of our rt_tables.d file; null when there is none
 * @param protosDir the same for rt_protos.d
 * @param protosConf the content of our rt_protos.d file; null when there is none
 * @param known table names to numbers from rt_tables and rt_tables.d, ours excluded
 */
public record Iproute2Files(
    boolean tablesDir,
    String tablesConf,
    boolean protosDir,
    String protosConf,
    Map<String, Long> known) {

  public static final String FILE = "netconverge.conf";
  public static final String HEADER = "# Written by netconverge; changes here are overwritten.\n";

  public Iproute2Files {
    known = Map.copyOf(known);
  }

  /** What a host state wants written: one line per named table, one for the protocol. */
  public static Iproute2Files declared(Map<String, Long> names, int protocol) {
    StringBuilder tables = new StringBuilder(HEADER);
    names.forEach((name, id) -> tables.append(id).append('\t').append(name).append('\n'));
    String protos = HEADER + protocol + "\tnetconverge\n";
    return new Iproute2Files(true, tables.toString(), true, protos, Map.of());
  }

  /** The names the host's files give, ours included: what table names resolve against. */
  public Map<String, Long> names() {
    Map<String, Long> all = new LinkedHashMap<>(TableRef.RESERVED);
    all.putAll(known);
    if (tablesConf != null) {
      all.putAll(parse(tablesConf));
    }
    return all;
  }

  /** Parses rt_tables lines: {@code NUMBER NAME}, numbers decimal or 0x hexadecimal. */
  public static Map<String, Long> parse(String text) {
    Map<String, Long> names = new LinkedHashMap<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash).strip();
      }
      String[] parts = line.split("\\s+");
      if (parts.length < 2) {
        continue;
      }
      if (!parts[0].matches("\\d{1,10}|0x[0-9a-fA-F]{1,8}")) {
        // iproute2 skips such a line too: it names no table.
        continue;
      }
      names.put(
          parts[1],
          parts[0].startsWith("0x")
              ? Long.parseLong(parts[0].substring(2), 16)
              : Long.parseLong(parts[0]));
    }
    return names;
  }

  static boolean sameContent(String a, String b) {
    return Objects.equals(a == null ? null : a.strip(), b == null ? null : b.strip());
  }
}
