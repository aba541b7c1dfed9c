package io.netconverge.nftables;

import java.util.Set;

/**
 * A table definition read as nft's scanner reads it (words, {@code "strings"}, {@code #} comments
 * to the end of the line), to keep it inside its own table: braces must balance so that none closes
 * the table, and nothing may read other files or define names ({@code include}, {@code define},
 * {@code redefine}, {@code undefine}, {@code $variables}), which would also let nft print another
 * file's content in an error message.
 */
final class NftDefinitionText {

  private static final Set<String> REFUSED = Set.of("include", "define", "redefine", "undefine");

  /** A problem and the line of the definition it is on (1-based). */
  record Problem(int line, String message) {}

  private NftDefinitionText() {}

  /** The first problem of the definition, or null. */
  static Problem check(String text) {
    int line = 1;
    int depth = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
        i++;
      } else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
        return new Problem(line, String.format("a control character \\x%02x", (int) c));
      } else if (c == '#') {
        while (i < n && text.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '"') {
        int start = line;
        i++;
        while (i < n && text.charAt(i) != '"') {
          if (text.charAt(i) == '\n') {
            line++;
          }
          i++;
        }
        if (i >= n) {
          return new Problem(start, "a string (\") that is never closed");
        }
        i++;
      } else if (c == '{') {
        depth++;
        i++;
      } else if (c == '}') {
        if (--depth < 0) {
          return new Problem(
              line,
              "this '}' would close the table: a definition is the content of its one table, and"
                  + " cannot reach past it");
        }
        i++;
      } else if (c == '$') {
        return new Problem(
            line, "'$' (an nft variable): variables need 'define', which is not allowed here");
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < n
            && (Character.isLetterOrDigit(text.charAt(i)) || "_-./".indexOf(text.charAt(i)) >= 0)) {
          i++;
        }
        String word = text.substring(start, i);
        if (REFUSED.contains(word)) {
          return new Problem(
              line,
              "'"
                  + word
                  + "' is not allowed in a definition: it reads other files or defines names"
                  + " outside the table; write the values themselves");
        }
      } else {
        i++;
      }
    }
    if (depth > 0) {
      return new Problem(line, depth + " '{' never closed");
    }
    return null;
  }
}
