package io.netconverge.iptables;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The names a file may write for an enum's values, for error messages. */
final class EnumNames {

  private EnumNames() {}

  static String of(Enum<?>[] values) {
    return Arrays.stream(values).map(Object::toString).collect(Collectors.joining(", "));
  }
}
