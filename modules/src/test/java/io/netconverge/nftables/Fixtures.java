package io.netconverge.nftables;

import java.util.Map;

/** Real nft output saved under src/test/resources/nftables (see the README there). */
final class Fixtures {

  static final NftTableName DUALWAN = NftTableName.parse("inet dualwan");

  private Fixtures() {}

  static String text(String name) {
    return io.netconverge.core.testing.TestResources.text("/nftables/" + name);
  }

  static Map<NftTableName, TableForm> forms(String name) {
    try {
      return NftListing.parse(text(name));
    } catch (NftListingException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /** The body of inputs/declared.nft: what a user wrote inside {@code table inet dualwan { }}. */
  static String declaredBody() {
    String all = text("inputs/declared.nft");
    int open = all.indexOf('\n') + 1;
    int close = all.lastIndexOf("}");
    return all.substring(open, close);
  }
}
