package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class VersionTest {

  @Test
  void versionPrintsTheVersionThePomDeclares() {
    StringWriter out = new StringWriter();
    int code =
        ConvergeCommand.run(
            new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), "--version");
    assertThat(code).isZero();
    // surefire passes the pom's project.version: the printed one must come from the build.
    String expected = System.getProperty("netconverge.expectedVersion");
    assertThat(expected).as("surefire's netconverge.expectedVersion").isNotBlank();
    assertThat(out.toString().strip()).isEqualTo("converge " + expected);
  }
}
