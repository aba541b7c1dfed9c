package io.netconverge.cli;

import picocli.CommandLine.Option;

final class ReportOptions {

  @Option(names = "--diff", description = "Show before and after of every change in full.")
  boolean diff;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description = "text (default) or json: one JSON document on stdout.")
  OutputFormat output = OutputFormat.text;
}
