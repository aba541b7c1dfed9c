package io.netconverge.core.spec;

/**
 * One thing wrong with a file: where (file, line, column, field path) and what.
 *
 * @param source the file as the user named it
 * @param line 1-based, 0 when unknown
 * @param column 1-based, 0 when unknown
 * @param path the field, e.g. {@code ipRules[2].fwmark}; empty for the document
 * @param message what is wrong, in the user's terms
 */
public record SpecProblem(String source, int line, int column, String path, String message) {

  /** {@code file:line:column: path: message}, the form editors and CI logs link to. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) {
      sb.append(':').append(line);
      if (column > 0) {
        sb.append(':').append(column);
      }
    }
    sb.append(": ");
    if (!path.isEmpty()) {
      sb.append(visible(path)).append(": ");
    }
    return sb.append(visible(message)).toString();
  }

  /**
   * A key or value of the file with a line break or another control character in it is shown with
   * escapes ({@code \n}), so that one problem stays one line.
   */
  static String visible(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                  if (Character.isISOControl(c)) {
                    sb.append(String.format("\\u%04x", c));
                  } else {
                    sb.appendCodePoint(c);
                  }
                }
              }
            });
    return sb.toString();
  }
}
