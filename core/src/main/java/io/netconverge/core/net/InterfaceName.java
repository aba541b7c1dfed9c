package io.netconverge.core.net;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/** A Linux network interface name: 1 to 15 characters, no slash, colon or white space. */
public record InterfaceName(String name) {

  /** IFNAMSIZ is 16 with the terminating NUL. */
  public static final int MAX_LENGTH = 15;

  private static final Pattern VALID = Pattern.compile("[^/:\\s]+");

  public InterfaceName {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("an interface name cannot be empty");
    }
    if (name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "interface name '"
              + name
              + "' is "
              + name.length()
              + " characters; Linux allows at most "
              + MAX_LENGTH);
    }
    if (!VALID.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(
          "'" + name + "' is not an interface name (no '/', ':' or white space)");
    }
  }

  @JsonCreator
  public static InterfaceName of(String name) {
    return new InterfaceName(name);
  }

  @JsonValue
  @Override
  public String toString() {
    return name;
  }
}
