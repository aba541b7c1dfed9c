package io.netconverge.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Finds where a field path ({@code a.b[2]["x.y"]}) stands in the YAML source. */
final class SourceMap {

  private static final Pattern STEP =
      Pattern.compile("\\.?([A-Za-z_][A-Za-z0-9_]*)|\\[(\\d+)]|\\[\"((?:[^\"\\\\]|\\\\.)*)\"]");

  private final Node root;

  SourceMap(Node root) {
    this.root = root;
  }

  /** The node at the path, or the deepest node on the way that exists. */
  Optional<Node> locate(String path) {
    Node node = root;
    if (node == null) {
      return Optional.empty();
    }
    for (String step : steps(path)) {
      Node next = child(node, step);
      if (next == null) {
        break;
      }
      node = next;
    }
    return Optional.of(node);
  }

  /** The key node of the path's last step when that step is a mapping key; else as locate. */
  Optional<Node> locateKey(String path) {
    List<String> steps = steps(path);
    if (steps.isEmpty()) {
      return locate(path);
    }
    Node parent = root;
    for (String step : steps.subList(0, steps.size() - 1)) {
      parent = parent == null ? null : child(parent, step);
    }
    if (parent instanceof MappingNode map) {
      for (NodeTuple tuple : map.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key
            && key.getValue().equals(steps.get(steps.size() - 1))) {
          return Optional.of(key);
        }
      }
    }
    return locate(path);
  }

  private static Node child(Node node, String step) {
    if (node instanceof MappingNode map) {
      for (NodeTuple tuple : map.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(step)) {
          return tuple.getValueNode();
        }
      }
    } else if (node instanceof SequenceNode seq && step.chars().allMatch(Character::isDigit)) {
      int i = Integer.parseInt(step);
      return i < seq.getValue().size() ? seq.getValue().get(i) : null;
    }
    return null;
  }

  static List<String> steps(String path) {
    List<String> steps = new ArrayList<>();
    Matcher m = STEP.matcher(path);
    int at = 0;
    while (at < path.length() && m.find(at) && m.start() == at) {
      steps.add(
          m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : unescape(m.group(3)));
      at = m.end();
    }
    return steps;
  }

  /**
   * The path of what holds the field at {@code path}: {@code wans[1]} for {@code wans[1].mark};
   * empty for a key of the document.
   */
  static String parent(String path) {
    Matcher m = STEP.matcher(path);
    int at = 0;
    int last = 0;
    while (at < path.length() && m.find(at) && m.start() == at) {
      last = at;
      at = m.end();
    }
    return path.substring(0, last);
  }

  private static String unescape(String quoted) {
    return quoted.replace("\\\"", "\"").replace("\\\\", "\\");
  }

  /**
   * A field's path ({@code wans[1].table}, {@code .frob}, {@code [0].mark}), relative to a part of
   * the file, joined to that part's own path ({@code hosts[0].state}): a list index or a path that
   * already starts with its dot is appended as it is, a name after a dot. The result never starts
   * with a dot.
   */
  static String join(String part, String relative) {
    String field = relative.startsWith(".") ? relative.substring(1) : relative;
    if (part.isEmpty() || field.isEmpty()) {
      return part + field;
    }
    return field.startsWith("[") ? part + field : part + "." + field;
  }

  /** The path step for a map key or field: plain when it is a name, quoted otherwise. */
  static String step(String name) {
    return name.matches("[A-Za-z_][A-Za-z0-9_]*")
        ? "." + name
        : "[\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
  }
}
