package io.netconverge.core.spec;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where a multi-line text value (e.g. an nft definition) stands in its file, so that a line a tool
 * reports inside the value can be named as a line of the user's file.
 *
 * <p>A value like a record's: {@code source}, {@code path}, {@code firstLine}, {@code indent},
 * {@code exact}. The place of a value of a file that loaded without a problem is worked out when
 * first asked for (it needs the file's composed structure, which most runs never need).
 */
public final class TextOrigin {

  private final String source;
  private final String path;
  private Supplier<Place> find;
  private Place place;

  /** Line, indent and exactness; see the accessors. */
  record Place(int firstLine, int indent, boolean exact) {}

  /**
   * @param source the file as the user named it
   * @param path the field path of the value, e.g. {@code nftables[0].definition}
   * @param firstLine the file line (1-based) of the value's first line; 0 when unknown
   * @param indent the columns the file adds before each line of the value
   * @param exact whether value lines are file lines one to one (a literal block {@code |}); folded
   *     and quoted values are only located at their start
   */
  public TextOrigin(String source, String path, int firstLine, int indent, boolean exact) {
    this.source = source;
    this.path = path;
    this.place = new Place(firstLine, indent, exact);
  }

  /** An origin whose place {@code find} works out when it is first asked for. */
  TextOrigin(String source, String path, Supplier<Place> find) {
    this.source = source;
    this.path = path;
    this.find = find;
  }

  /** A value that was not read from a file (built in code): located by its path only. */
  public static TextOrigin unknown(String path) {
    return new TextOrigin("(declared in code)", path, 0, 0, false);
  }

  public String source() {
    return source;
  }

  public String path() {
    return path;
  }

  public int firstLine() {
    return place().firstLine();
  }

  public int indent() {
    return place().indent();
  }

  public boolean exact() {
    return place().exact();
  }

  private synchronized Place place() {
    if (place == null) {
      place = find.get();
      find = null;
    }
    return place;
  }

  /**
   * The problem at a line and column of the value (both 1-based; 0 when unknown), in the file's
   * terms.
   */
  public SpecProblem problem(int line, int column, String message) {
    int firstLine = firstLine();
    if (firstLine == 0) {
      return new SpecProblem(
          source, 0, 0, path, line > 0 ? "line " + line + ": " + message : message);
    }
    if (!exact() || line <= 0) {
      String where = line > 0 ? "line " + line + " of the value: " : "";
      return new SpecProblem(source, firstLine, 0, path, where + message);
    }
    return new SpecProblem(
        source, firstLine + line - 1, column > 0 ? indent() + column : 0, path, message);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TextOrigin other
        && source.equals(other.source)
        && path.equals(other.path)
        && place().equals(other.place());
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, path, place());
  }

  @Override
  public String toString() {
    Place p = place();
    return "TextOrigin[source="
        + source
        + ", path="
        + path
        + ", firstLine="
        + p.firstLine()
        + ", indent="
        + p.indent()
        + ", exact="
        + p.exact()
        + "]";
  }
}
