package io.netconverge.iptables;

import io.netconverge.core.net.Family;
import java.util.List;

/**
 * What converging iptables does: per family, one {@code iptables-restore --noflush} input.
 *
 * @param batches in family order; a family without changes has none
 * @param nftScript after the batches, an {@code nft -f -} input that removes nft tables of
 *     iptables-nft (only a restore has one: tables an apply made that the snapshot did not have);
 *     empty for none
 * @param declared the chains the file declares, to name one whose rule the target's tool refuses at
 *     apply; none for a restore (the host's own rules, not the file's)
 */
public record IptablesBatches(List<Batch> batches, String nftScript, List<IptablesChain> declared) {

  public IptablesBatches {
    batches = List.copyOf(batches);
    nftScript = nftScript == null ? "" : nftScript;
    declared = List.copyOf(declared);
  }

  public IptablesBatches(List<Batch> batches, String nftScript) {
    this(batches, nftScript, List.of());
  }

  public IptablesBatches(List<Batch> batches) {
    this(batches, "");
  }

  /**
   * @param family ipv4 or ipv6
   * @param backend whose restore tool runs it (the one the live rules were read from)
   * @param input the restore input, {@code *table} ... {@code COMMIT} per table
   */
  public record Batch(Family family, IptablesBackend backend, String input) {}
}
