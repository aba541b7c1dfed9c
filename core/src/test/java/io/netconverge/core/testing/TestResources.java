package io.netconverge.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Real tool output saved under a module's src/test/resources, read as text. */
public final class TestResources {

  private TestResources() {}

  /**
   * @param path from the root of the class path, e.g. {@code /route/route-4.json}
   */
  public static String text(String path) {
    try (InputStream in = TestResources.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
