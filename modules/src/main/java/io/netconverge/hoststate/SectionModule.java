package io.netconverge.hoststate;

import io.netconverge.core.spec.SpecLoader;
import java.util.List;
import java.util.Objects;

/**
 * A module with a section of its own under one file key: the loader binds the key's value to {@link
 * #type()} strictly, and a spec built in code holds the typed value ({@link
 * HostStateBuilder#section}). Adding such a module takes its own package and one line in {@link
 * Modules#ALL}.
 *
 * @param <T> the section's file form
 */
public abstract class SectionModule<T> implements ModuleRegistration<T> {

  private final String key;
  private final Class<T> type;
  private final int order;

  protected SectionModule(String key, Class<T> type, int order) {
    this.key = Objects.requireNonNull(key, "key");
    this.type = Objects.requireNonNull(type, "type");
    this.order = order;
  }

  public final String key() {
    return key;
  }

  public final Class<T> type() {
    return type;
  }

  @Override
  public final List<String> keys() {
    return List.of(key);
  }

  @Override
  public final int order() {
    return order;
  }

  /**
   * The section, bound from the file's value if the spec was read from a file.
   *
   * @throws io.netconverge.core.spec.SpecViolation when the file's value does not bind
   */
  @Override
  public final T section(HostStateSpec spec) {
    Object value = spec.sections().get(key);
    if (value == null) {
      return null;
    }
    return type.isInstance(value) ? type.cast(value) : SpecLoader.bindValue(value, type, key);
  }

  /**
   * What the section becomes when a profile's expansion declares {@code more} next to the file's
   * {@code mine} (either may be null). By default a profile may not expand into this module.
   */
  public T merged(T mine, T more) {
    throw new UnsupportedOperationException("no profile expands into " + key);
  }

  @Override
  public String toString() {
    return key;
  }
}
