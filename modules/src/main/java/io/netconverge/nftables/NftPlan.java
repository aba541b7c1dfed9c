package io.netconverge.nftables;

import io.netconverge.core.spec.TextOrigin;
import java.util.Map;

/**
 * What converging nft tables does: one {@code nft -f -} transaction, empty when nothing changes.
 * Every table in it is nft's own listing of the declared table, never the user's text.
 *
 * @param script the transaction's text
 * @param origins where each table the script defines was declared, to name it when the target's nft
 *     refuses it at apply; empty for a restore (the host's own tables, not the file's)
 */
public record NftPlan(String script, Map<NftTableName, TextOrigin> origins) {

  public NftPlan {
    origins = Map.copyOf(origins);
  }

  /** A plan that declares nothing of the file's: a restore. */
  public NftPlan(String script) {
    this(script, Map.of());
  }
}
