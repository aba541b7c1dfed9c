package io.netconverge.nftables;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The identity of an nft table: its family and name, written as nft writes them ({@code inet
 * dualwan}). The family is required: nft's default ({@code ip}) is a surprise nobody wants in a
 * file that owns the table whole.
 */
public record NftTableName(String family, String name) {

  public static final Set<String> FAMILIES = Set.of("ip", "ip6", "inet", "arp", "bridge", "netdev");

  // nft's scanner: a letter or '_', then letters, digits, '_', '.', '/', '-'. The kernel caps names
  // at 256 bytes with the terminating NUL.
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_./-]{0,254}");

  public NftTableName {
    if (!FAMILIES.contains(family)) {
      throw new IllegalArgumentException(
          "'"
              + family
              + "' is not an nft family; expected one of arp, bridge, inet, ip, ip6, netdev");
    }
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'" + name + "' is not an nft table name (a letter or _, then letters, digits, _ . / -)");
    }
  }

  /** Parses {@code inet dualwan}. */
  @JsonCreator
  public static NftTableName parse(String text) {
    String[] words = text.strip().split("\\s+");
    if (words.length != 2) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a table: expected FAMILY NAME, e.g. 'inet dualwan'");
    }
    return new NftTableName(words[0], words[1]);
  }

  @JsonValue
  @Override
  public String toString() {
    return family + " " + name;
  }
}
