package io.netconverge.iptables;

import io.netconverge.core.net.Family;
import java.util.List;

/**
 * What converging iptables does: per family, one {@code iptables-restore --noflush} input.
 *
 * @param batches in family order; a family without changes has none
 */
public record IptablesBatches(List<Batch> batches) {

  public IptablesBatches {
    batches = List.copyOf(batches);
  }

  /**
   * @param family ipv4 or ipv6
   * @param backend whose restore tool runs it (the one the live rules were read from)
   * @param input the restore input, {@code *table} ... {@code COMMIT} per table
   */
  public record Batch(Family family, IptablesBackend backend, String input) {}
}
