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

  SpecSource(String name, String text, Node root) {
    this.name = name;
    this.lines = text.split("\n", -1);
    this.map = new SourceMap(root);
  }

  /** For declarations built in code: every origin is unknown. */
  public static SpecSource none() {
    return new SpecSource("(declared in code)", "", null);
  }

  public String name() {
    return name;
  }

  /** Where the text value at {@code path} (relative to the file's root) stands. */
  public TextOrigin origin(String path) {
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
