package io.netconverge.trust;

import java.util.ArrayList;
import java.util.List;

/** The arm's token is random: argv lists are compared with it as {@code TOKEN}. */
final class Tokens {

  private Tokens() {}

  static List<List<String>> masked(List<List<String>> argvs) {
    List<List<String>> out = new ArrayList<>();
    for (List<String> argv : argvs) {
      if (argv.size() == 6 && argv.get(2).equals(Reverter.START)) {
        List<String> copy = new ArrayList<>(argv);
        assert copy.get(5).matches("[0-9a-f-]{36}") : copy.get(5);
        copy.set(5, "TOKEN");
        out.add(copy);
      } else {
        out.add(argv);
      }
    }
    return out;
  }
}
