package io.netconverge.sysctl;

import io.netconverge.core.engine.ChangeValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The value of one sysctl, as a change reports it: the key it belongs to and the value in the
 * kernel's form (runs of white space are one space). Most are one integer ({@link #number()}); some
 * are several ({@link #numbers()}, e.g. {@code net.ipv4.tcp_rmem}) or a word.
 *
 * @param key the sysctl
 * @param text the value as the kernel prints it
 */
public record SysctlValue(SysctlKey key, String text) implements ChangeValue {

  public SysctlValue {
    Objects.requireNonNull(key, "key");
    text = SysctlState.canonical(text);
  }

  /** The value when it is one integer (most sysctls); empty otherwise. */
  public OptionalLong number() {
    List<Long> numbers = numbers();
    return numbers.size() == 1 ? OptionalLong.of(numbers.get(0)) : OptionalLong.empty();
  }

  /** Every integer of a value made only of integers (e.g. {@code 4096 131072 6291456}). */
  public List<Long> numbers() {
    List<Long> numbers = new ArrayList<>();
    for (String word : words()) {
      try {
        numbers.add(Long.parseLong(word));
      } catch (NumberFormatException e) {
        return List.of(); // a word, not a number: the text is the value
      }
    }
    return List.copyOf(numbers);
  }

  /** The value's words; none for an empty value. */
  public List<String> words() {
    return text.isEmpty() ? List.of() : List.of(text.split(" "));
  }

  @Override
  public String render() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}
