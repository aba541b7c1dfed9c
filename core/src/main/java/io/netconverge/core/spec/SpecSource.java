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
  private final Structure structure;
  private final String prefix;

  SpecSource(String name, String text, Node root) {
    this(name, new Structure(name, text, root, false), "");
  }

  private SpecSource(String name, Structure structure, String prefix) {
    this.name = name;
    this.structure = structure;
    this.prefix = prefix;
  }

  /**
   * A file that loaded without a problem, whose structure is composed only when a later problem
   * must be located (most runs never need it).
   */
  static SpecSource composedWhenAsked(String name, String text) {
    return new SpecSource(name, new Structure(name, text, null, true), "");
  }

  /** The text's lines and its composed structure, each made once, when first needed. */
  private static final class Structure {
    private final String name;
    private final String text;
    private final boolean compose;
    private Node root;
    private String[] lines;
    private SourceMap map;

    Structure(String name, String text, Node root, boolean compose) {
      this.name = name;
      this.text = text;
      this.root = root;
      this.compose = compose;
    }

    synchronized String[] lines() {
      if (lines == null) {
        lines = text.split("\n", -1);
      }
      return lines;
    }

    synchronized SourceMap map() {
      if (map == null) {
        if (root == null && compose) {
          try {
            root = SpecLoader.compose(text, name);
          } catch (InvalidSpecException e) {
            root = null; // not for a text that loaded; then nothing is located
          }
        }
        map = new SourceMap(root);
      }
      return map;
    }
  }

  /**
   * The same file seen from a part of it, e.g. a host state inline in an inventory at {@code
   * hosts[2].state}: paths given to {@link #origin} are then relative to that part.
   */
  public SpecSource under(String pathPrefix) {
    return new SpecSource(name, structure, SourceMap.join(prefix, pathPrefix));
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
    String path = SourceMap.join(prefix, relativePath);
    Optional<Node> node = structure.map().locate(path);
    int line = node.map(n -> n.getStartMark().getLine() + 1).orElse(0);
    int column = node.map(n -> n.getStartMark().getColumn() + 1).orElse(0);
    return new SpecProblem(name, line, column, path, message);
  }

  /**
   * Where the text value at {@code path} (relative to the file's root) stands; worked out when
   * first asked for, so a file that is never wrong is never composed for it.
   */
  public TextOrigin origin(String relativePath) {
    String path = SourceMap.join(prefix, relativePath);
    return new TextOrigin(name, path, () -> place(path));
  }

  private TextOrigin.Place place(String path) {
    Optional<Node> node = structure.map().locate(path);
    if (node.isEmpty() || !(node.get() instanceof ScalarNode scalar)) {
      return new TextOrigin.Place(0, 0, false);
    }
    int startLine = scalar.getStartMark().getLine(); // 0-based
    if (scalar.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL) {
      // The value begins on the line after the '|' indicator, indented like its first text line.
      int first = startLine + 1;
      int indent = 0;
      String[] lines = structure.lines();
      for (int i = first; i < lines.length; i++) {
        String line = lines[i];
        if (!line.isBlank()) {
          indent = line.length() - line.stripLeading().length();
          break;
        }
      }
      return new TextOrigin.Place(first + 1, indent, true);
    }
    return new TextOrigin.Place(startLine + 1, 0, false);
  }
}
