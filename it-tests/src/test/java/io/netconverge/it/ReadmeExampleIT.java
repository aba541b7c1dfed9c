package io.netconverge.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.ResourceId;
import io.netconverge.sysctl.SysctlValue;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The README's library example is this module's {@link ReadmeExample}, compiled and run here. */
@ExtendWith(NetnsExtension.class)
class ReadmeExampleIT {

  private static String between(String text, String begin, String end) {
    int from = text.indexOf(begin);
    int to = text.indexOf(end, from);
    assertThat(from).as("marker " + begin).isNotNegative();
    assertThat(to).as("marker " + end).isPositive();
    return text.substring(text.indexOf('\n', from + begin.length() - 1) + 1, to);
  }

  @Test
  void theReadmeShowsTheExampleThatIsCompiledHere() throws Exception {
    String source =
        Files.readString(
            Cli.root().resolve("it-tests/src/test/java/io/netconverge/it/ReadmeExample.java"));
    String readme = Files.readString(Cli.root().resolve("README.md"));
    String shown =
        between(
            readme,
            "<!-- library-example: begin -->\n```java",
            "```\n<!-- library-example: end -->");
    assertThat(shown).isEqualTo(between(source, "// README-BEGIN", "// README-END"));
  }

  @Test
  void theExampleConvergesANamespaceAndASecondRunChangesNothing(TestNamespace ns) throws Exception {
    HostReport first = ReadmeExample.converge(ns.name());
    assertThat(first.status())
        .as(String.valueOf(first.error()))
        .isEqualTo(HostReport.Status.CHANGED);
    assertThat(ns.run("cat", "/proc/sys/net/ipv4/ip_forward").strip()).isEqualTo("1");
    // What the example prints, read as a library user would: typed, from the report.
    Change forward =
        first.changes().stream()
            .filter(c -> c.resource().equals(new ResourceId("sysctl", "net.ipv4.ip_forward")))
            .findFirst()
            .orElseThrow();
    assertThat(forward.before(SysctlValue.class).orElseThrow().number()).hasValue(0);
    assertThat(forward.after(SysctlValue.class).orElseThrow().number()).hasValue(1);
    assertThat(ns.run("nft", "list", "table", "inet", "filter")).contains("chain input");
    HostReport second = ReadmeExample.converge(ns.name());
    assertThat(second.status()).isEqualTo(HostReport.Status.OK);
    assertThat(second.changed()).isZero();
  }
}
