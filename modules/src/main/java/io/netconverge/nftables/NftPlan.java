package io.netconverge.nftables;

/**
 * What converging nft tables does: one {@code nft -f -} transaction, empty when nothing changes.
 * Every table in it is nft's own listing of the declared table, never the user's text.
 *
 * @param script the transaction's text
 */
public record NftPlan(String script) {}
