package io.netconverge.core.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Loads {@code apiVersion: netconverge/v1} files strictly: unknown keys, duplicate keys, wrong
 * types and values the spec classes reject are errors that name the file, line, column and field
 * path. The file form (a {@code *Spec} class) is bound by Jackson; checks that span fields run in
 * {@link Validated#validate()} and are located in the source afterwards.
 */
public final class SpecLoader {

  public static final String API_VERSION = "netconverge/v1";

  private static final Logger LOG = LoggerFactory.getLogger(SpecLoader.class);

  private static final ObjectMapper YAML =
      YAMLMapper.builder(YAMLFactory.builder().loaderOptions(jacksonLoaderOptions()).build())
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .build();

  private final Map<String, Class<?>> kinds;

  private static LoaderOptions jacksonLoaderOptions() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit((int) MAX_FILE_BYTES);
    return options;
  }

  /**
   * @param kinds the {@code kind:} values this loader accepts, each with its spec class
   */
  public SpecLoader(Map<String, Class<?>> kinds) {
    this.kinds = new LinkedHashMap<>(kinds);
  }

  /** A JSON mapper for the tools' own output ({@code ip -j}, {@code nft -j}). */
  public static ObjectMapper json() {
    return JsonMapper.builder().build();
  }

  public Object load(Path file) throws InvalidSpecException {
    return parse(read(file), file.toString());
  }

  public <T> T load(Path file, Class<T> expected) throws InvalidSpecException {
    return as(load(file), expected, file.toString());
  }

  /** A bound file with its source, for locating problems found after loading. */
  public record Loaded<T>(T spec, SpecSource source) {}

  /** Like {@link #load(Path, Class)}, and keeps the file's structure for later problems. */
  public <T> Loaded<T> loadWithSource(Path file, Class<T> expected) throws InvalidSpecException {
    String text = read(file);
    Loaded<Object> any = parseAnyWithSource(text, file.toString());
    return new Loaded<>(as(any.spec(), expected, file.toString()), any.source());
  }

  /**
   * Binds text of any accepted kind and keeps its structure: the YAML is composed once, for the
   * header, the locations of problems and the source kept.
   */
  public Loaded<Object> parseAnyWithSource(String text, String source) throws InvalidSpecException {
    Document document = document(text, source);
    return new Loaded<>(bindDocument(document), document.source());
  }

  /**
   * A file's text composed once, its header checked ({@code apiVersion}, a known {@code kind}),
   * nothing bound yet: for a caller that picks what to do by kind, then binds the same document.
   */
  public static final class Document {
    private final String text;
    private final String source;
    private final String kind;
    // Jackson's tree of a text read the quick way (see quickTree), else null.
    private final JsonNode tree;
    // SnakeYAML's composed nodes, which locate problems; on the quick way made only when needed.
    private Node root;

    private Document(String text, String source, Node root, String kind, JsonNode tree) {
      this.text = text;
      this.source = source;
      this.root = root;
      this.kind = kind;
      this.tree = tree;
    }

    public String kind() {
      return kind;
    }

    public SpecSource source() {
      Node composed = composedIfAny();
      return composed != null
          ? new SpecSource(source, text, composed)
          : SpecSource.composedWhenAsked(source, text);
    }

    synchronized Node composedIfAny() {
      return root;
    }

    private synchronized Node root() throws InvalidSpecException {
      if (root == null) {
        root = compose(text, source);
      }
      return root;
    }
  }

  /**
   * Reads the text and checks its header; see {@link Document}. A file is read once: when Jackson's
   * tree of it is all that is needed (see {@link #quickTree}), it is not composed as well unless a
   * problem must be located; anything else is composed first, as it always was.
   */
  public Document document(String text, String source) throws InvalidSpecException {
    long start = System.nanoTime();
    JsonNode tree = quickTree(text);
    String kind = tree == null ? null : quickKind(tree);
    if (kind != null) {
      refuseForms(text, source);
      LOG.debug("read {} ({}) in {} ms", source, kind, millisSince(start));
      return new Document(text, source, null, kind, tree);
    }
    Node root = compose(text, source);
    return new Document(text, source, root, header(new SourceMap(root), source), null);
  }

  /** Binds a document as its kind's spec class (and validates it). */
  public Object bindDocument(Document document) throws InvalidSpecException {
    Class<?> type = kinds.get(document.kind);
    long start = System.nanoTime();
    if (document.tree != null) {
      Object spec = bindQuick(document.tree, type);
      if (spec != null) {
        LOG.debug("bound and validated {} in {} ms", document.source, millisSince(start));
        return spec;
      }
    }
    // The way that names every problem: composed, bound, each problem located.
    Object spec = bind(document.text, document.source, new SourceMap(document.root()), type, "");
    LOG.debug("bound and validated {} in {} ms (composed)", document.source, millisSince(start));
    return spec;
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  /**
   * How deep a file read the quick way may nest; SnakeYAML's composer refuses more than 50 levels,
   * Jackson's parser does not, so a deeper file is composed first and refused there, as before.
   */
  private static final int QUICK_DEPTH = 40;

  /**
   * Jackson's tree of the text when it alone is enough to load the file, else null (then the file
   * is composed first, as it always was, and a problem is named the way it always was). Enough
   * means: Jackson reads the text (one document; no duplicate key), it is a mapping nested no
   * deeper than {@link #QUICK_DEPTH}, and it has no alias ({@code *}, anywhere: the composer
   * expands aliases and refuses too many, Jackson reads one as its anchor's name). For such a text
   * the composer succeeds (both read SnakeYAML's parser events), so composing it would only locate
   * problems, and there are none unless binding or validating fails.
   */
  private static JsonNode quickTree(String text) {
    if (text.indexOf('*') >= 0) {
      return null;
    }
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return tree instanceof ObjectNode && within(tree, QUICK_DEPTH) ? tree : null;
  }

  private static boolean within(JsonNode node, int depth) {
    if (!node.isContainerNode()) {
      return true;
    }
    if (depth == 0) {
      return false;
    }
    for (JsonNode child : node) {
      if (!within(child, depth - 1)) {
        return false;
      }
    }
    return true;
  }

  /** The kind of a quick tree whose header is right, else null (the composed way says why). */
  private String quickKind(JsonNode tree) {
    JsonNode api = tree.get("apiVersion");
    JsonNode kind = tree.get("kind");
    return api != null
            && api.isTextual()
            && api.textValue().equals(API_VERSION)
            && kind != null
            && kind.isTextual()
            && kinds.containsKey(kind.textValue())
        ? kind.textValue()
        : null;
  }

  /** The tree bound and validated; null when anything is wrong (the composed way says what). */
  private static Object bindQuick(JsonNode tree, Class<?> type) {
    try {
      Object spec = YAML.readerFor(type).readValue(YAML.treeAsTokens(tree));
      if (spec instanceof Validated v) {
        v.validate();
      }
      return spec;
    } catch (IOException | SpecViolation e) {
      return null;
    }
  }

  /** Binds a document that must be of {@code expected}'s kind, with its source. */
  public <T> Loaded<T> bindDocument(Document document, Class<T> expected)
      throws InvalidSpecException {
    return new Loaded<>(as(bindDocument(document), expected, document.source), document.source());
  }

  /** The structure of a file's text, for locating problems found after it was bound. */
  public static SpecSource source(String text, String source) throws InvalidSpecException {
    return new SpecSource(source, text, compose(text, source));
  }

  /** Like {@link #parse(String, String, Class)}, and keeps the text's structure. */
  public <T> Loaded<T> parseWithSource(String text, String source, Class<T> expected)
      throws InvalidSpecException {
    Loaded<Object> any = parseAnyWithSource(text, source);
    return new Loaded<>(as(any.spec(), expected, source), any.source());
  }

  public <T> T parse(String text, String source, Class<T> expected) throws InvalidSpecException {
    return as(parse(text, source), expected, source);
  }

  /** Binds a file of any accepted kind. */
  public Object parse(String text, String source) throws InvalidSpecException {
    SourceMap map = new SourceMap(compose(text, source));
    String kind = header(map, source);
    return bind(text, source, map, kinds.get(kind), "");
  }

  /** The file's {@code kind:}, after checking the header; nothing is bound. */
  public String kindOf(String text, String source) throws InvalidSpecException {
    return header(new SourceMap(compose(text, source)), source);
  }

  /**
   * Binds an already located part of a file (e.g. a host state inline in an inventory) as {@code
   * type}, with errors reported against the whole file.
   */
  public <T> T bindPart(String text, String source, String path, Class<T> type)
      throws InvalidSpecException {
    SourceMap map = new SourceMap(compose(text, source));
    return bind(text, source, map, type, path);
  }

  /**
   * A problem at a field path of text that already loaded, for checks made after binding (a file
   * the text refers to does not exist, say): it names the line and column of that field.
   */
  public static SpecProblem locate(String text, String source, String path, String message)
      throws InvalidSpecException {
    Node at = new SourceMap(compose(text, source)).locate(path).orElse(null);
    return problemAt(at, source, clean(path), message).problems().get(0);
  }

  /**
   * The largest file read, in bytes: far above any real host state or inventory (10,000 routes take
   * about 600 KiB), far below what would strain the heap.
   */
  public static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

  /**
   * The text of a file, or a problem naming it. Only a regular file (a link to one is fine) is
   * opened, so a device, a FIFO or a directory is refused before anything could block or fill the
   * heap; so is a file over {@link #MAX_FILE_BYTES}.
   */
  public static String read(Path file) throws InvalidSpecException {
    try {
      java.nio.file.attribute.BasicFileAttributes attributes =
          Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
      if (attributes.isDirectory()) {
        throw unreadable(file, "a directory, not a file");
      }
      if (!attributes.isRegularFile()) {
        throw unreadable(file, "not a regular file (a device, FIFO or socket); nothing was read");
      }
      if (attributes.size() > MAX_FILE_BYTES) {
        throw unreadable(file, tooLarge(attributes.size()));
      }
      byte[] bytes;
      try (java.io.InputStream in = Files.newInputStream(file)) {
        // The size can change between the check and the read: never read past the limit.
        bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
      }
      if (bytes.length > MAX_FILE_BYTES) {
        throw unreadable(file, tooLarge(bytes.length));
      }
      return java.nio.charset.StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (NoSuchFileException e) {
      throw new InvalidSpecException(new SpecProblem(file.toString(), 0, 0, "", "no such file"));
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new InvalidSpecException(new SpecProblem(file.toString(), 0, 0, "", "not UTF-8 text"));
    } catch (java.nio.file.AccessDeniedException e) {
      throw unreadable(file, "permission denied");
    } catch (IOException e) {
      throw unreadable(file, "cannot read: " + e.getMessage());
    }
  }

  private static String tooLarge(long size) {
    return "the file is "
        + size
        + " bytes; files are read up to "
        + MAX_FILE_BYTES / (1024 * 1024)
        + " MiB";
  }

  private static InvalidSpecException unreadable(Path file, String why) {
    return new InvalidSpecException(new SpecProblem(file.toString(), 0, 0, "", why));
  }

  static Node compose(String text, String source) throws InvalidSpecException {
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setCodePointLimit((int) MAX_FILE_BYTES);
      Iterable<Node> docs = new Yaml(options).composeAll(new StringReader(text));
      List<Node> all = new ArrayList<>();
      docs.forEach(all::add);
      if (all.size() > 1) {
        Mark at = all.get(1).getStartMark();
        throw new InvalidSpecException(
            new SpecProblem(
                source,
                at.getLine() + 1,
                at.getColumn() + 1,
                "",
                "one document per file; a second one starts here"));
      }
      if (all.isEmpty()) {
        throw new InvalidSpecException(new SpecProblem(source, 0, 0, "", "the file is empty"));
      }
      refuseForms(text, source);
      return all.get(0);
    } catch (MarkedYAMLException e) {
      Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String what =
          e.getProblem() == null ? e.getMessage() : e.getProblem().replaceAll("\\s+", " ").strip();
      if (e.getContext() != null) {
        what = e.getContext().replaceAll("\\s+", " ").strip() + ": " + what;
      }
      throw new InvalidSpecException(
          new SpecProblem(
              source,
              at == null ? 0 : at.getLine() + 1,
              at == null ? 0 : at.getColumn() + 1,
              "",
              "not valid YAML: " + what));
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      throw new InvalidSpecException(
          new SpecProblem(source, 0, 0, "", "not valid YAML: " + e.getMessage()));
    }
  }

  /** Refuses what {@link YamlForms} finds: a form that would be bound as something else. */
  private static void refuseForms(String text, String source) throws InvalidSpecException {
    List<SpecProblem> problems = YamlForms.problems(text, source);
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
  }

  private String header(SourceMap map, String source) throws InvalidSpecException {
    Node root = map.locate("").orElseThrow();
    if (!(root instanceof MappingNode mapping)) {
      throw problemAt(root, source, "", "expected a mapping with apiVersion and kind");
    }
    String apiVersion = scalar(mapping, "apiVersion");
    if (apiVersion == null) {
      throw problemAt(root, source, "apiVersion", "missing; expected " + API_VERSION);
    }
    if (!apiVersion.equals(API_VERSION)) {
      throw problemAt(
          map.locate("apiVersion").orElse(root),
          source,
          "apiVersion",
          "'" + apiVersion + "' is not supported; expected " + API_VERSION);
    }
    String kind = scalar(mapping, "kind");
    if (kind == null) {
      throw problemAt(root, source, "kind", "missing; expected one of " + kinds.keySet());
    }
    if (!kinds.containsKey(kind)) {
      throw problemAt(
          map.locate("kind").orElse(root),
          source,
          "kind",
          "'" + kind + "' is not known; expected one of " + kinds.keySet());
    }
    return kind;
  }

  private static String scalar(MappingNode mapping, String key) {
    for (NodeTuple t : mapping.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return t.getValueNode() instanceof ScalarNode v ? v.getValue() : "";
      }
    }
    return null;
  }

  private static <T> T bind(String text, String source, SourceMap map, Class<T> type, String path)
      throws InvalidSpecException {
    T spec;
    JsonNode node;
    try {
      node = YAML.readTree(text);
      for (String step : SourceMap.steps(path)) {
        node = node.isArray() ? node.path(Integer.parseInt(step)) : node.path(step);
      }
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException(syntaxProblem(e, source));
    }
    try {
      spec = YAML.readerFor(type).readValue(YAML.treeAsTokens(node));
    } catch (JsonMappingException e) {
      // Binding stops at the first problem; bind the parts apart to find the others too.
      List<SpecProblem> all =
          new ArrayList<>(
              partProblems(node, YAML.constructType(type), path, source, map, MAX_DEPTH));
      if (all.isEmpty()) {
        throw new InvalidSpecException(problemOf(e, path, source, map));
      }
      all.addAll(checksWithout(all, node, type, path, source, map));
      throw new InvalidSpecException(all);
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException(syntaxProblem(e, source));
    } catch (IOException e) {
      throw new InvalidSpecException(new SpecProblem(source, 0, 0, "", e.getMessage()));
    }
    if (spec instanceof Validated v) {
      try {
        v.validate();
      } catch (SpecViolation violation) {
        throw new InvalidSpecException(checkProblems(violation, path, source, map));
      }
    }
    return spec;
  }

  /** What a spec's own checks found, each at its field in the file. */
  private static List<SpecProblem> checkProblems(
      SpecViolation violation, String path, String source, SourceMap map) {
    List<SpecProblem> problems = new ArrayList<>();
    for (SpecViolation one : violation.violations()) {
      String fieldPath = SourceMap.join(path, one.path());
      Node at = (one.aboutKey() ? map.locateKey(fieldPath) : map.locate(fieldPath)).orElse(null);
      if (one.line() > 0 && at instanceof ScalarNode scalar) {
        problems.addAll(inText(scalar, source, clean(fieldPath), one).problems());
      } else {
        problems.addAll(problemAt(at, source, clean(fieldPath), one.getMessage()).problems());
      }
    }
    return problems;
  }

  /**
   * The spec's own checks (two WANs with one mark, say), run on the part without the fields that
   * did not bind, so that one mistyped field does not hide the problems between the others. What
   * they say about a field left out, about what holds it, or about another field of the same entry
   * is left out too: it would only follow from the first mistake ({@code definiton: x} makes
   * "definition is required"). None when the part cannot be bound that way either.
   */
  private static <T> List<SpecProblem> checksWithout(
      List<SpecProblem> found,
      JsonNode node,
      Class<T> type,
      String path,
      String source,
      SourceMap map) {
    if (!Validated.class.isAssignableFrom(type) || !node.isObject()) {
      return List.of();
    }
    JsonNode pruned = node.deepCopy();
    String prefix = clean(path);
    List<String> removed = new ArrayList<>();
    for (SpecProblem problem : found) {
      if (!problem.source().equals(source) || !problem.path().startsWith(prefix)) {
        return List.of();
      }
      List<String> steps = SourceMap.steps(problem.path().substring(prefix.length()));
      if (steps.isEmpty()) {
        return List.of();
      }
      JsonNode parent = pruned;
      for (String step : steps.subList(0, steps.size() - 1)) {
        parent = parent.isArray() ? parent.path(Integer.parseInt(step)) : parent.path(step);
      }
      String last = steps.get(steps.size() - 1);
      if (!(parent instanceof ObjectNode object) || !object.has(last)) {
        return List.of();
      }
      object.remove(last);
      removed.add(problem.path());
    }
    Object spec;
    try {
      spec = YAML.readerFor(type).readValue(YAML.treeAsTokens(pruned));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    try {
      ((Validated) spec).validate();
      return List.of();
    } catch (SpecViolation violation) {
      return checkProblems(violation, path, source, map).stream()
          .filter(p -> removed.stream().noneMatch(r -> related(p.path(), r, prefix)))
          .toList();
    } catch (RuntimeException e) {
      // A check that cannot cope with the fields left out says nothing more.
      return List.of();
    }
  }

  /**
   * Whether what a check says at {@code path} may follow from leaving out the field at {@code
   * removed}: the same field or one inside it, the entry that held it ("missing required key"), or
   * another field of that entry (the sections of the part itself are independent).
   */
  private static boolean related(String path, String removed, String part) {
    String entry = SourceMap.parent(removed);
    return path.equals(removed)
        || path.equals(entry)
        || holds(removed, path)
        || (!entry.equals(part) && SourceMap.parent(path).equals(entry));
  }

  private static boolean holds(String outer, String inner) {
    return outer.isEmpty() || inner.startsWith(outer + ".") || inner.startsWith(outer + "[");
  }

  /** How deep {@link #partProblems} looks for further problems: sections, entries, fields. */
  private static final int MAX_DEPTH = 4;

  /**
   * The problems of a part that does not bind, found by binding its fields (and the entries of its
   * lists and maps) one by one; empty when each of them binds alone (then the part's own check is
   * what failed, and the caller reports that).
   */
  private static List<SpecProblem> partProblems(
      JsonNode node, JavaType type, String path, String source, SourceMap map, int depth) {
    try {
      YAML.readerFor(type).readValue(YAML.treeAsTokens(node));
      return List.of();
    } catch (JsonMappingException e) {
      List<SpecProblem> inner =
          depth == 0 ? List.of() : innerProblems(node, type, path, source, map, depth);
      return inner.isEmpty() ? List.of(problemOf(e, path, source, map)) : inner;
    } catch (IOException e) {
      // A value the parser itself refuses (e.g. a number beyond any Java type): at its node.
      String message =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException p
              ? p.getOriginalMessage()
              : e.getMessage();
      return problemAt(map.locate(path).orElse(null), source, clean(path), numberWords(message))
          .problems();
    }
  }

  private static List<SpecProblem> innerProblems(
      JsonNode node, JavaType type, String path, String source, SourceMap map, int depth) {
    List<SpecProblem> problems = new ArrayList<>();
    if (type.isCollectionLikeType() && node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        problems.addAll(
            partProblems(
                node.get(i), type.getContentType(), path + "[" + i + "]", source, map, depth - 1));
      }
    } else if (type.isMapLikeType() && node.isObject()) {
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        ObjectNode alone = YAML.createObjectNode();
        alone.set(entry.getKey(), entry.getValue());
        problems.addAll(partProblems(alone, type, path, source, map, 0));
      }
    } else if (node.isObject() && !type.isContainerType() && type.getRawClass().isRecord()) {
      Map<String, JavaType> fields = new LinkedHashMap<>();
      for (BeanPropertyDefinition p :
          YAML.getDeserializationConfig().introspect(type).findProperties()) {
        fields.put(p.getName(), p.getPrimaryType());
      }
      for (Map.Entry<String, JsonNode> entry : node.properties()) {
        JavaType fieldType = fields.get(entry.getKey());
        String fieldPath = path + SourceMap.step(entry.getKey());
        if (fieldType == null && bindsAlone(entry.getKey(), entry.getValue(), type)) {
          // Taken by the type's catch-all of keys (sections that modules register), and checked
          // there when the whole binds.
          continue;
        }
        SpecViolation own = fieldType == null ? ownViolation(entry, type) : null;
        if (own != null) {
          problems.add(violationProblem(own, path, source, map));
        } else if (fieldType == null) {
          Node at = map.locateKey(fieldPath).orElse(null);
          problems.addAll(
              problemAt(
                      at,
                      source,
                      clean(fieldPath),
                      "unknown key '"
                          + entry.getKey()
                          + "' (known keys: "
                          + fields.keySet().stream().sorted().collect(Collectors.joining(", "))
                          + ")")
                  .problems());
        } else if (!entry.getValue().isNull()) {
          problems.addAll(
              partProblems(entry.getValue(), fieldType, fieldPath, source, map, depth - 1));
        }
      }
    }
    return problems;
  }

  private static boolean bindsAlone(String key, JsonNode value, JavaType type) {
    return ownViolationOrNull(key, value, type, true) == null;
  }

  private static SpecViolation ownViolation(Map.Entry<String, JsonNode> entry, JavaType type) {
    return ownViolationOrNull(entry.getKey(), entry.getValue(), type, false);
  }

  /**
   * Binds {@code {key: value}} alone as {@code type}. With {@code anyFailure}, returns a marker
   * violation for any failure (null when it binds); otherwise returns the type's own violation that
   * the failure carries, or null.
   */
  private static SpecViolation ownViolationOrNull(
      String key, JsonNode value, JavaType type, boolean anyFailure) {
    ObjectNode alone = YAML.createObjectNode();
    alone.set(key, value);
    try {
      YAML.readerFor(type).readValue(YAML.treeAsTokens(alone));
      return null;
    } catch (IOException e) {
      SpecViolation own = carried(e);
      return own != null || !anyFailure ? own : new SpecViolation(key, "does not bind");
    }
  }

  /** The violation a spec's constructor threw while binding, if that is why binding failed. */
  private static SpecViolation carried(Throwable e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof SpecViolation v) {
        return v;
      }
    }
    return null;
  }

  private static SpecProblem violationProblem(
      SpecViolation v, String path, String source, SourceMap map) {
    String fieldPath = SourceMap.join(path, v.path());
    Optional<Node> at = v.aboutKey() ? map.locateKey(fieldPath) : map.locate(fieldPath);
    return problemAt(at.orElse(null), source, clean(fieldPath), v.getMessage()).problems().get(0);
  }

  /**
   * Binds a value already read from a file (a section a module registered, say) as {@code type},
   * with the loader's strictness.
   *
   * @param path where the value is in the file, to name it in the violation
   * @throws SpecViolation naming the field within {@code path} that does not bind, and why
   */
  public static <T> T bindValue(Object raw, java.lang.reflect.Type type, String path) {
    JavaType javaType = YAML.constructType(type);
    try {
      JsonNode tree = raw instanceof JsonNode node ? node : YAML.valueToTree(raw);
      return YAML.readerFor(javaType).readValue(YAML.treeAsTokens(tree));
    } catch (JsonMappingException e) {
      String at = path + pathOf(e.getPath());
      boolean aboutKey = e instanceof UnrecognizedPropertyException;
      if (e instanceof InvalidFormatException f
          && f.getOriginalMessage().startsWith("Cannot deserialize Map key")
          && f.getValue() != null) {
        at += SourceMap.step(f.getValue().toString());
        aboutKey = true;
      }
      return aboutKey
          ? throwViolation(SpecViolation.atKey(at, explain(e)))
          : throwViolation(new SpecViolation(at, explain(e)));
    } catch (IOException e) {
      throw new SpecViolation(path, e.getMessage());
    }
  }

  private static <T> T throwViolation(SpecViolation v) {
    throw v;
  }

  private static SpecProblem syntaxProblem(JsonProcessingException e, String source) {
    JsonLocation loc = e.getLocation();
    String msg =
        numberWords(
            e.getOriginalMessage().replaceAll("^Duplicate field '(.*)'$", "duplicate key '$1'"));
    return new SpecProblem(source, lineOf(loc), columnOf(loc), "", msg);
  }

  private static SpecProblem problemOf(
      JsonMappingException e, String path, String source, SourceMap map) {
    SpecViolation own = carried(e);
    if (own != null && own.aboutKey()) {
      return violationProblem(own, path + pathOf(e.getPath()), source, map);
    }
    String fieldPath = path + pathOf(e.getPath()) + violatedField(e);
    boolean aboutKey = e instanceof UnrecognizedPropertyException;
    if (e instanceof InvalidFormatException f
        && f.getOriginalMessage().startsWith("Cannot deserialize Map key")
        && f.getValue() != null) {
      fieldPath += SourceMap.step(f.getValue().toString());
      aboutKey = true;
    }
    Optional<Node> at = aboutKey ? map.locateKey(fieldPath) : map.locate(fieldPath);
    JsonLocation loc = e.getLocation();
    // Positions of a re-read subtree are not the file's: prefer the source map's.
    int line = at.map(n -> n.getStartMark().getLine() + 1).orElse(lineOf(loc));
    int col = at.map(n -> n.getStartMark().getColumn() + 1).orElse(columnOf(loc));
    return new SpecProblem(source, line, col, clean(fieldPath), explain(e));
  }

  /**
   * The field a spec's constructor named in the {@link InvalidFieldException} it threw (relative to
   * the object it makes), so that the error points at {@code .to}, not at the whole route.
   */
  private static String violatedField(Throwable e) {
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof InvalidFieldException f) {
        return SourceMap.step(f.field());
      }
    }
    return "";
  }

  /** Jackson's words for a number beyond a Java type, in the file's terms. */
  private static String numberWords(String msg) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "Numeric value \\((.*)\\) out of range of (?:long|int|Java long|Java int)[^\\n]*",
                java.util.regex.Pattern.DOTALL)
            .matcher(msg);
    return m.find() ? m.group(1) + " is too large a number for this field" : msg;
  }

  private static int lineOf(JsonLocation loc) {
    return loc == null ? 0 : Math.max(0, loc.getLineNr());
  }

  private static int columnOf(JsonLocation loc) {
    return loc == null ? 0 : Math.max(0, loc.getColumnNr());
  }

  private static String clean(String path) {
    return path.startsWith(".") ? path.substring(1) : path;
  }

  private static String pathOf(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getFieldName() != null) {
        sb.append(SourceMap.step(ref.getFieldName()));
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** Jackson's messages name Java types; the user wrote YAML. Say it in their terms. */
  private static String explain(JsonMappingException e) {
    LOG.debug("binding failed", e);
    if (e instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds();
      String list =
          known == null
              ? ""
              : " (known keys: "
                  + known.stream().map(Object::toString).sorted().collect(Collectors.joining(", "))
                  + ")";
      return "unknown key '" + u.getPropertyName() + "'" + list;
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException || t instanceof SpecViolation) {
        return t.getMessage();
      }
    }
    String msg = e.getOriginalMessage();
    int why = msg.indexOf("problem: ");
    if (msg.startsWith("Cannot deserialize Map key") && why >= 0) {
      return msg.substring(why + "problem: ".length()).replaceFirst("^\\([\\w.$]+\\) ", "");
    }
    if (msg.startsWith("Missing required creator property")) {
      return "missing required key " + msg.replaceAll(".*property '([^']*)'.*", "'$1'");
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return "expected " + describe(m.getTargetType()) + shortReason(msg);
    }
    return numberWords(msg.replaceAll("\\s*\\(for .*", "").replace("`", ""));
  }

  private static String shortReason(String msg) {
    if (msg.contains("from Array value")) {
      return ", not a list";
    }
    if (msg.contains("from Object value")) {
      return ", not a mapping";
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("from String \"([^\"]*)\"").matcher(msg);
    if (m.find()) {
      return ", not '" + m.group(1) + "'";
    }
    return "";
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a single value";
    }
    if (List.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping";
    }
    if (type.isEnum()) {
      return "one of "
          + java.util.Arrays.stream(type.getEnumConstants())
              .map(Object::toString)
              .collect(Collectors.joining(", "));
    }
    return "a " + type.getSimpleName();
  }

  /**
   * A problem on one line of a text value: in a block scalar ({@code |}) that line of the file,
   * otherwise the value's own line with the line within it said.
   */
  private static InvalidSpecException inText(
      ScalarNode scalar, String source, String path, SpecViolation violation) {
    int startLine = scalar.getStartMark().getLine() + 1;
    if (scalar.getScalarStyle() == org.yaml.snakeyaml.DumperOptions.ScalarStyle.LITERAL) {
      return new InvalidSpecException(
          new SpecProblem(source, startLine + violation.line(), 0, path, violation.getMessage()));
    }
    return new InvalidSpecException(
        new SpecProblem(
            source,
            startLine,
            scalar.getStartMark().getColumn() + 1,
            path,
            violation.getMessage() + " (line " + violation.line() + " of the value)"));
  }

  private static InvalidSpecException problemAt(
      Node node, String source, String path, String message) {
    int line = node == null ? 0 : node.getStartMark().getLine() + 1;
    int col = node == null ? 0 : node.getStartMark().getColumn() + 1;
    return new InvalidSpecException(new SpecProblem(source, line, col, path, message));
  }

  private static <T> T as(Object spec, Class<T> expected, String source)
      throws InvalidSpecException {
    if (!expected.isInstance(spec)) {
      throw new InvalidSpecException(
          new SpecProblem(
              source,
              0,
              0,
              "kind",
              "expected kind " + expected.getSimpleName().replace("Spec", "")));
    }
    return expected.cast(spec);
  }
}
