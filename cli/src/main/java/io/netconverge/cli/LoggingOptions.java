package io.netconverge.cli;

import picocli.CommandLine.Option;

/**
 * {@code -v}: every command run on a target, with its exit code and duration, on stderr. The log
 * level is a system property of slf4j-simple, read when the first logger is made; no logger is made
 * before the command line is parsed.
 */
final class LoggingOptions {

  static final String LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";

  @Option(
      names = {"-v", "--verbose"},
      description = "Log every command run on a target (argv, exit code, milliseconds) on stderr.")
  void verbose(boolean on) {
    if (on) {
      System.setProperty(LEVEL_PROPERTY, "debug");
    }
  }

  /**
   * Raises the default level to {@code level} unless a level was set already (by {@code -v} or a
   * {@code -D} option): for long-running commands whose log is their output. Call it before the
   * first logger is made.
   */
  static void atLeast(String level) {
    if (System.getProperty(LEVEL_PROPERTY) == null) {
      System.setProperty(LEVEL_PROPERTY, level);
    }
  }
}
