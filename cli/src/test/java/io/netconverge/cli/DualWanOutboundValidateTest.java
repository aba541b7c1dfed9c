package io.netconverge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mistake in the dualWan profile's outbound keys is an invalid file: exit 65, where it is. */
class DualWanOutboundValidateTest {

  private static final String FILE =
      "apiVersion: netconverge/v1\n"
          + "kind: HostState\n"
          + "dualWan:\n"
          + "  backend: iptables\n"
          + "  markMask: \"0xff\"\n"
          + "  wans:\n"
          + "    - { name: isp1, interface: wan1, mark: 10, table: 110, gateway: 198.51.100.1 }\n"
          + "    - { name: isp2, interface: wan2, mark: 20, table: 120, gateway: 203.0.113.1 }\n"
          + "  balance:\n"
          + "    weights: { isp1: 3, isp2: 1 }\n"
          + "  policies:\n"
          + "    - { to: 198.18.0.0/24, use: isp2 }\n"
          + "  portForwards:\n"
          + "    - { wan: any, protocol: tcp, port: 8080, to: \"192.0.2.10:80\" }\n";

  private static int validate(Path file, StringWriter err) {
    return ConvergeCommand.run(
        new PrintWriter(new StringWriter(), true),
        new PrintWriter(err, true),
        "validate",
        file.toString());
  }

  @Test
  void aPolicyUsingAnUnknownWanIsExit65AtItsLineAndField(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.yaml");
    Files.writeString(good, FILE);
    assertThat(validate(good, new StringWriter())).isZero();

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, FILE.replace("use: isp2", "use: isp3"));
    StringWriter err = new StringWriter();
    assertThat(validate(bad, err)).isEqualTo(65);
    assertThat(err.toString())
        .startsWith(bad + ":12:")
        .contains("dualWan.policies[0].use: 'isp3' is not a WAN of this profile");
  }

  @Test
  void aPortForwardWithoutAPortIsExit65AtItsEntry(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, FILE.replace("port: 8080, ", ""));
    StringWriter err = new StringWriter();
    assertThat(validate(bad, err)).isEqualTo(65);
    assertThat(err.toString())
        .startsWith(bad + ":14:")
        .contains("dualWan.portForwards[0]: missing required key 'port'");
  }
}
