package io.netconverge.nftables;

import io.netconverge.core.spec.TextOrigin;
import java.util.Objects;
import java.util.Optional;

/**
 * One owned nft table: declared with its definition, or (in a state read from a host, or to be
 * restored) absent.
 *
 * @param name family and name
 * @param definition the table's content in nft syntax; empty when the table is (to be) absent
 * @param origin where the definition stands in the user's file, for nft's error messages
 */
public record NftTable(NftTableName name, Optional<String> definition, TextOrigin origin) {

  public NftTable {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(definition, "definition");
    Objects.requireNonNull(origin, "origin");
  }

  public static NftTable present(NftTableName name, String definition) {
    return new NftTable(name, Optional.of(definition), TextOrigin.unknown(name.toString()));
  }

  public static NftTable absent(NftTableName name) {
    return new NftTable(name, Optional.empty(), TextOrigin.unknown(name.toString()));
  }

  /**
   * The definition as nft reads it inside {@code table F N { ... }}: one trailing newline (what a
   * YAML block adds) is dropped so that its lines are the user's lines.
   */
  public Optional<String> body() {
    return definition.map(d -> d.endsWith("\n") ? d.substring(0, d.length() - 1) : d);
  }
}
