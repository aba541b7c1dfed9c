package io.netconverge.core.spec;

/** A file form with checks that span fields (run after binding, before anything touches a host). */
public interface Validated {

  /**
   * @throws SpecViolation naming the field path of the first problem
   */
  void validate();
}
