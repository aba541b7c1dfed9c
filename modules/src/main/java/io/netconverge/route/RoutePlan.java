package io.netconverge.route;

import io.netconverge.core.net.Family;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What converging routing tables does: our name files to write, then per family the lines of one
 * {@code ip -batch -}.
 *
 * @param files our files in rt_tables.d / rt_protos.d to write (or, with null content, remove)
 * @param batches per family, the batch lines in order; a family without changes has none
 * @param force run the batches with {@code -force}: a restore goes on past a line that fails
 */
public record RoutePlan(List<FileWrite> files, Map<Family, List<String>> batches, boolean force) {

  public RoutePlan {
    files = List.copyOf(files);
    Map<Family, List<String>> copy = new EnumMap<>(Family.class);
    batches.forEach((family, lines) -> copy.put(family, List.copyOf(lines)));
    batches = Collections.unmodifiableMap(copy);
  }

  /** A converging plan: a batch stops at its first failing line, and the runner restores. */
  public RoutePlan(List<FileWrite> files, Map<Family, List<String>> batches) {
    this(files, batches, false);
  }

  /**
   * @param folder {@code rt_tables.d} or {@code rt_protos.d}
   * @param content the file's content; null to remove it
   */
  public record FileWrite(String folder, String content) {}
}
