package io.netconverge.core.spec;

import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A loaded file's text and structure, kept after loading so that problems found later (e.g. when a
 * tool on the target rejects a value) are reported at the user's line.
 */
public final class SpecSource {

  private final String name;
  private final String[] lines;
  private final SourceMap map;
  private final String prefix;

  SpecSource(String name, String text, Node root) {
    this(name, text.split("\n", -1), new SourceMap(root), "");
  }

  private SpecSource(String name, String[] lines, SourceMap map, String prefix) {
    this.name = name;
    this.lines = lines;
    this.map = map;
    this.prefix = prefix;
  }

  /**
   * The same file seen from a part of it, e.g. a host state inline in an inventory at {@code
   * hosts[2].state}: paths given to {@link #origin} are then relative to that part.
   */
  public SpecSource under(String pathPrefix) {
    return new SpecSource(name, lines, map, prefix + pathPrefix);
  }

  /** For declarations built in code: every origin is unknown. */
  public static SpecSource none() {
    return new SpecSource("(declared in code)", "", null);
  }

  public String name() {
    return name;
  }

  /**
   * A problem at the field {@code relativePath} (relative to this part of the file), with the line
   * and column where that field stands; without them when the state was declared in code.
   */
  public SpecProblem problem(String relativePath, String message) {
    String relative = relativePath.startsWith(".") ? relativePath.substring(1) : relativePath;
    String path =
        prefix.isEmpty()
            ? relative
            : relative.startsWith("[") ? prefix + relative : prefix + "." + relative;
    Optional<Node> node = map.locate(path);
    int line = node.map(n -> n.getStartMark().getLine() + 1).orElse(0);
    int column = node.map(n -> n.getStartMark().getColumn() + 1).orElse(0);
    return new SpecProblem(name, line, column, path, message);
  }

  /** Where the text value at {@code path} (relative to the file's root) stands. */
  public TextOrigin origin(String relativePath) {
    String path = prefix.isEmpty() ? relativePath : prefix + "." + relativePath;
    Optional<Node> node = map.locate(path);
    if (node.isEmpty() || !(node.get() instanceof ScalarNode scalar)) {
      return new TextOrigin(name, path, 0, 0, false);
    }
    int startLine = scalar.getStartMark().getLine(); // 0-based
    if (scalar.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL) {
      // The value begins on the line after the '|' indicator, indented like its first text line.
      int first = startLine + 1;
      int indent = 0;
      for (int i = first; i < lines.length; i++) {
        String line = lines[i];
        if (!line.isBlank()) {
          indent = line.length() - line.stripLeading().length();
          break;
        }
      }
      return new TextOrigin(name, path, first + 1, indent, true);
    }
    return new TextOrigin(name, path, startLine + 1, 0, false);
  }
}
