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
      sb.append(path).append(": ");
    }
    return sb.append(message).toString();
  }
}
