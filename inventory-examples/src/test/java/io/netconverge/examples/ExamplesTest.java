package io.netconverge.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.Netconverge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every example file is valid; the it-tests converge each one in a sandbox. */
class ExamplesTest {

  static Stream<Path> examples() throws IOException {
    Path dir = Path.of(System.getProperty("user.dir"));
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyExampleIsValidAndCommented() throws IOException {
    assertThat(examples()).isNotEmpty();
    return examples()
        .map(
            file ->
                DynamicTest.dynamicTest(
                    file.getFileName().toString(),
                    () -> {
                      assertThat(Netconverge.loader().load(file)).isNotNull();
                      assertThat(Files.readString(file))
                          .as("an example explains itself to its reader")
                          .startsWith("#");
                    }));
  }
}
