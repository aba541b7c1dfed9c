package io.netconverge.core.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A routing table as a file names it: by number ({@code 110}) or by name ({@code isp1}, {@code
 * main}). The kernel's own names are known without reading rt_tables; other names are resolved
 * against the declared tables and the host's rt_tables.
 *
 * @param id the number, when known from the text itself
 * @param name the name, when given by name
 */
public record TableRef(Long id, String name) {

  public static final long MAX_ID = 0xffffffffL;

  /** The kernel's reserved tables, as rt_tables names them. */
  public static final Map<String, Long> RESERVED =
      Map.of("default", 253L, "main", 254L, "local", 255L);

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

  public TableRef {
    if (id == null && name == null) {
      throw new IllegalArgumentException("a table needs a number or a name");
    }
    if (id != null && (id < 1 || id > MAX_ID)) {
      throw new IllegalArgumentException(
          "table " + id + " is out of range 1..4294967295 (0 is unspec)");
    }
    if (name != null && !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is not a table name (letters, digits, '_', '.', '-'; not starting with a digit)");
    }
  }

  /** main, local and default: tables the system fills itself. */
  public static boolean isReserved(long id) {
    return id >= 253 && id <= 255;
  }

  public static TableRef id(long id) {
    return new TableRef(id, null);
  }

  @JsonCreator
  public static TableRef of(String text) {
    String s = text.strip();
    if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
      try {
        return id(Long.parseLong(s));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("table " + s + " is out of range 1..4294967295");
      }
    }
    Long reserved = RESERVED.get(s);
    return new TableRef(reserved, s);
  }

  @JsonCreator
  public static TableRef fromNumber(long id) {
    return id(id);
  }

  /** The number, from the text or else from {@code names} (name to number). */
  public Optional<Long> resolve(Map<String, Long> names) {
    if (id != null) {
      return Optional.of(id);
    }
    return Optional.ofNullable(names.get(name));
  }

  @JsonValue
  @Override
  public String toString() {
    return name != null ? name : Long.toString(id);
  }
}
