package io.netconverge.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * The YAML forms a file may not use, because the file would be bound as something other than what
 * it says: Jackson's YAML parser reads an alias ({@code *name}) as the text of the anchor's name
 * (it does not expand it), and it reads plain scalars by YAML 1.1's rules, where {@code 010} is 8,
 * {@code 1_0} is 10, {@code 0b11} is 3 and {@code yes}, {@code no}, {@code on}, {@code off} are
 * true and false. Such forms are refused at their line instead: anchors, aliases and merge keys
 * ({@code <<}); a key that is a list or a mapping (Jackson cannot read one); a plain value that
 * YAML 1.1 reads as a number or a boolean other than as written. Hex ({@code 0x40}) stays: it reads
 * the same in YAML 1.2 and in the kernel.
 */
final class YamlForms {

  private YamlForms() {}

  /**
   * Texts where none of these forms can start need no event scan (most files: the scan would double
   * the time of their reading). Kept simple enough to be seen to be a superset: any anchor, alias
   * or key character ({@code & * ?}), a merge key, a number with a leading 0 (not inside a word or
   * a dotted address) or an {@code _} after a digit or dot, or yes, no, on, off as a word anywhere
   * (comments included: a comment only costs the scan).
   */
  private static final Pattern MAYBE =
      Pattern.compile(
          "[&*?]|<<|(?<![0-9A-Za-z.])[-+]?0[0-9bB_]|[0-9.]_|(?i:\\b(?:yes|no|on|off)\\b)");

  // The resolver Jackson's YAML parser decides a plain scalar's type with.
  private static final Resolver RESOLVER = new Resolver();

  private static final YAMLMapper READ_AS = new YAMLMapper();

  private static final String ANCHORS =
      "YAML anchors and aliases are not supported; write the value";

  /** The frame of a mapping or a list being read: its path and where in it the reader is. */
  private static final class Frame {
    final boolean mapping;
    final String path;
    boolean atKey = true;
    String key;
    int index = -1;

    Frame(boolean mapping, String path) {
      this.mapping = mapping;
      this.path = path;
    }

    String childPath() {
      if (mapping) {
        return key == null ? path : path + SourceMap.step(key);
      }
      return path + "[" + index + "]";
    }
  }

  /**
   * The problems of the forms above in the text, each at its line and field; none when the text
   * uses none (or is not YAML the parser reads: then the caller's own reading says why).
   */
  static List<SpecProblem> problems(String text, String source) {
    if (!MAYBE.matcher(text).find()) {
      return List.of();
    }
    List<SpecProblem> problems = new ArrayList<>();
    Deque<Frame> frames = new ArrayDeque<>();
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit((int) SpecLoader.MAX_FILE_BYTES);
    try {
      for (Event event : new Yaml(options).parse(new StringReader(text))) {
        if (event instanceof CollectionEndEvent) {
          frames.pop();
          continue;
        }
        if (!(event instanceof NodeEvent node)) {
          continue;
        }
        Frame in = frames.peek();
        boolean isKey = in != null && in.mapping && in.atKey;
        String path;
        if (in == null) {
          path = "";
        } else if (in.mapping) {
          if (isKey) {
            in.key = event instanceof ScalarEvent s ? s.getValue() : null;
            path = in.childPath();
          } else {
            path = in.childPath();
          }
          in.atKey = !in.atKey;
        } else {
          in.index++;
          path = in.childPath();
        }
        check(node, isKey, clean(path), source, problems);
        if (event instanceof CollectionStartEvent) {
          frames.push(new Frame(event instanceof MappingStartEvent, path));
        }
      }
    } catch (YAMLException | java.util.NoSuchElementException e) {
      // Not YAML the parser reads: the caller's own reading names the problem.
      return List.of();
    }
    return problems;
  }

  private static void check(
      NodeEvent node, boolean isKey, String path, String source, List<SpecProblem> problems) {
    Mark at = node.getStartMark();
    if (node instanceof AliasEvent) {
      problems.add(problem(at, source, path, ANCHORS + " instead of *" + node.getAnchor()));
      return;
    }
    if (node.getAnchor() != null) {
      problems.add(problem(at, source, path, ANCHORS + " (drop &" + node.getAnchor() + ")"));
      return;
    }
    if (isKey) {
      if (!(node instanceof ScalarEvent key)) {
        problems.add(
            problem(
                at, source, path, "a key must be a single word or number, not a list or mapping"));
      } else if (key.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
          && key.getValue().equals("<<")) {
        problems.add(
            problem(
                at, source, path, "YAML merge keys (<<) are not supported; write the keys out"));
      }
      return;
    }
    if (node instanceof ScalarEvent scalar) {
      String reading = reinterpreted(scalar);
      if (reading != null) {
        problems.add(problem(at, source, path, reading));
      }
    }
  }

  /**
   * What YAML 1.1 makes of a plain scalar when that is not what it says (a sentence), else null.
   */
  private static String reinterpreted(ScalarEvent scalar) {
    if (scalar.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN
        || !scalar.getImplicit().canOmitTagInPlainScalar()) {
      return null;
    }
    String value = scalar.getValue();
    Tag tag = RESOLVER.resolve(NodeId.scalar, value, true);
    String digits = value.startsWith("-") || value.startsWith("+") ? value.substring(1) : value;
    String why;
    if (tag.equals(Tag.BOOL)) {
      if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
        return null;
      }
      why = "YAML 1.1 reads " + value + " as a boolean";
    } else if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
      if (digits.contains("_")) {
        why = "YAML 1.1 drops the _ of a number";
      } else if (digits.startsWith("0b")) {
        why = "YAML 1.1 reads 0b as binary";
      } else if (digits.length() > 1
          && digits.charAt(0) == '0'
          && Character.isDigit(digits.charAt(1))) {
        why =
            tag.equals(Tag.INT)
                ? "YAML 1.1 reads a number with a leading 0 as octal"
                : "YAML 1.1 drops the leading 0";
      } else {
        return null;
      }
    } else {
      return null;
    }
    String read = readAs(value);
    return "'"
        + value
        + "' is read as "
        + read
        + " ("
        + why
        + "); write "
        + read
        + ", or quote it (\""
        + value
        + "\") if you mean the text";
  }

  /** The value Jackson's YAML parser makes of a plain scalar, as text. */
  private static String readAs(String value) {
    try {
      JsonNode node = READ_AS.readTree("v: " + value).get("v");
      return node == null ? value : node.asText();
    } catch (java.io.IOException | RuntimeException e) {
      return "a different value";
    }
  }

  private static SpecProblem problem(Mark at, String source, String path, String message) {
    return new SpecProblem(source, at.getLine() + 1, at.getColumn() + 1, path, message);
  }

  private static String clean(String path) {
    return path.startsWith(".") ? path.substring(1) : path;
  }
}
