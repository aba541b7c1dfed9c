package io.netconverge.core.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * A value a change reports: the module's own typed item (a route, an ip rule, a sysctl value), or a
 * typed field of one, with the text that plan output and JSON reports show for it.
 *
 * <p>An embedding program reads the typed value with {@link #as(Class)}, never by parsing {@link
 * #render()}:
 *
 * <pre>{@code
 * change.after().as(Route.class).map(Route::via)
 * }</pre>
 */
public interface ChangeValue {

  /** The text a report shows: one line, or several for a listing. */
  String render();

  /** The typed value this stands for: the value itself unless it wraps one. */
  default Object value() {
    return this;
  }

  /** The typed value when it is a {@code type}. */
  default <T> Optional<T> as(Class<T> type) {
    Object v = value();
    return type.isInstance(v) ? Optional.of(type.cast(v)) : Optional.empty();
  }

  /** Text that has no richer type (a file's lines, a ruleset listing); null stays null. */
  static ChangeValue text(String text) {
    return text == null ? null : new Text(text);
  }

  /** A typed value (a number, an address) shown as {@code rendered}; null stays null. */
  static ChangeValue of(Object value, String rendered) {
    return value == null ? null : new Of(value, rendered);
  }

  /** A typed value shown as its {@code toString()}; null stays null. */
  static ChangeValue of(Object value) {
    return value == null ? null : new Of(value, value.toString());
  }

  /** The text of a value that may be absent. */
  static String render(ChangeValue value) {
    return value == null ? null : value.render();
  }

  /** Text as the target's tools print it. */
  record Text(String text) implements ChangeValue {
    public Text {
      Objects.requireNonNull(text, "text");
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

  /** A value of a type that is not a change value itself (Long, IpPrefix...), with its text. */
  record Of(Object value, String render) implements ChangeValue {
    public Of {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(render, "render");
    }

    @Override
    public String toString() {
      return render;
    }
  }
}
