package io.netconverge.core.spec;

/**
 * Where a multi-line text value (e.g. an nft definition) stands in its file, so that a line a tool
 * reports inside the value can be named as a line of the user's file.
 *
 * @param source the file as the user named it
 * @param path the field path of the value, e.g. {@code nftables[0].definition}
 * @param firstLine the file line (1-based) of the value's first line; 0 when unknown
 * @param indent the columns the file adds before each line of the value
 * @param exact whether value lines are file lines one to one (a literal block {@code |}); folded
 *     and quoted values are only located at their start
 */
public record TextOrigin(String source, String path, int firstLine, int indent, boolean exact) {

  /** A value that was not read from a file (built in code): located by its path only. */
  public static TextOrigin unknown(String path) {
    return new TextOrigin("(declared in code)", path, 0, 0, false);
  }

  /**
   * The problem at a line and column of the value (both 1-based; 0 when unknown), in the file's
   * terms.
   */
  public SpecProblem problem(int line, int column, String message) {
    if (firstLine == 0) {
      return new SpecProblem(
          source, 0, 0, path, line > 0 ? "line " + line + ": " + message : message);
    }
    if (!exact || line <= 0) {
      String where = line > 0 ? "line " + line + " of the value: " : "";
      return new SpecProblem(source, firstLine, 0, path, where + message);
    }
    return new SpecProblem(
        source, firstLine + line - 1, column > 0 ? indent + column : 0, path, message);
  }
}
