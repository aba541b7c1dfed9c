package io.netconverge.iprule;

import io.netconverge.core.net.Family;
import java.util.ArrayList;
import java.util.List;

/**
 * One rule as {@code ip -N -d rule show} printed it, in the words {@code ip rule add} takes back:
 * what a restore replays, so that selectors netconverge does not model (e.g. {@code tos}) come back
 * too.
 *
 * @param family ipv4 or ipv6
 * @param protocol the rule's protocol number
 * @param words the words after {@code rule add}, {@code priority N} first
 */
public record CapturedRule(Family family, int protocol, String words) {

  /** Parses the text of {@code ip -N -d rule show} (one family), in the kernel's order. */
  public static List<CapturedRule> parse(String text, Family family) {
    List<CapturedRule> rules = new ArrayList<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (line.isBlank() || colon < 0 || !line.substring(0, colon).strip().matches("\\d+")) {
        continue;
      }
      List<String> out = new ArrayList<>(List.of("priority", line.substring(0, colon).strip()));
      int protocol = 0;
      String[] in = line.substring(colon + 1).strip().split("\\s+");
      for (int i = 0; i < in.length; i++) {
        String w = in[i];
        if (w.startsWith("[") || w.equals("unresolved")) {
          continue; // the state of an interface or a goto target, not a selector
        }
        if (w.equals("proto") && i + 1 < in.length) {
          protocol = Integer.parseInt(in[i + 1]);
        }
        out.add(w);
      }
      rules.add(new CapturedRule(family, protocol, String.join(" ", out)));
    }
    return rules;
  }
}
