package io.netconverge.cli;

public enum OutputFormat {
  text,
  json
}
