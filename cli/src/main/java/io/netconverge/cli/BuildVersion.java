package io.netconverge.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version the build wrote into version.properties (the pom's project.version). */
final class BuildVersion {

  private BuildVersion() {}

  static String get() {
    try (InputStream in = BuildVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the build");
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "");
      // Unfiltered (an IDE copying resources without Maven): say so rather than print "${...}".
      return v.isBlank() || v.startsWith("${") ? "unknown (not built by Maven)" : v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
