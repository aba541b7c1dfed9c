package io.netconverge.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IpPrefixTest {

  /** The spelling of an IPv4 address that was taken before the dotted-quad reader. */
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  @Test
  void theDottedQuadReaderTakesExactlyWhatTheGeneralPathTakesAsIpv4() throws Exception {
    List<String> texts =
        new ArrayList<>(
            List.of(
                "0.0.0.0",
                "255.255.255.255",
                "10.0.0.1",
                "198.51.100.2",
                "1.2.3.4",
                "256.1.1.1",
                "1.2.3",
                "1.2.3.4.5",
                "01.2.3.4",
                "1.02.3.4",
                "1.2.3.00",
                "1.2.3.4 ",
                " 1.2.3.4",
                "1..2.3",
                "1.2.3.",
                ".1.2.3",
                "1.2.3.1000",
                "1.2.3.-1",
                "a.b.c.d",
                "1.2.3.4/24",
                "::1",
                "::ffff:1.2.3.4",
                "1.2.3.4:80",
                "1.2.3.٤",
                "999.999.999.999",
                "0.0.0.00"));
    Random random = new Random(13);
    String alphabet = "0123456789.0123456789.25";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder();
      int length = 1 + random.nextInt(16);
      for (int j = 0; j < length; j++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      texts.add(sb.toString());
    }
    for (String text : texts) {
      byte[] fast = IpPrefix.dottedQuad(text);
      if (IPV4.matcher(text).matches()) {
        assertThat(fast).as(text).isEqualTo(InetAddress.getByName(text).getAddress());
      } else {
        assertThat(fast).as(text).isNull();
      }
    }
  }

  @Test
  void prefixesReadAsBefore() {
    assertThat(IpPrefix.parse("10.1.2.0/24")).hasToString("10.1.2.0/24");
    assertThat(IpPrefix.parse(" 198.51.100.2 ")).hasToString("198.51.100.2");
    assertThat(IpPrefix.parse("0.0.0.0/0")).hasToString("default");
    assertThat(IpPrefix.parse("2001:db8::1/128").address()).isEqualTo("2001:db8::1");
    assertThatThrownBy(() -> IpPrefix.parse("10.1.2.1/24")).hasMessageContaining("host bits set");
    assertThatThrownBy(() -> IpPrefix.parse("010.1.2.0/24"))
        .hasMessageContaining("is not an IPv4 or IPv6 address");
    assertThatThrownBy(() -> IpPrefix.parse("::ffff:1.2.3.4")).hasMessageContaining("IPv4-mapped");
  }
}
