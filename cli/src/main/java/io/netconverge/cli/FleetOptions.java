package io.netconverge.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** Which hosts of an inventory, and how many at a time. */
final class FleetOptions {

  static final int DEFAULT_FORKS = 10;

  @Option(
      names = "--limit",
      paramLabel = "HOST",
      split = ",",
      description = "Only these hosts or groups of the inventory (comma-separated).")
  List<String> limit;

  @Option(
      names = "--forks",
      paramLabel = "N",
      description = "Converge up to N hosts of the inventory at a time (default: 10).")
  Integer forks;

  int forksOrDefault() {
    return forks == null ? DEFAULT_FORKS : forks;
  }

  boolean given() {
    return limit != null || forks != null;
  }
}
