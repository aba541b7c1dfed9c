package io.netconverge.iprule;

/** A range of ports or user ids: {@code 80}, {@code 1000-2000}. */
public record PortRange(long start, long end) {

  public static PortRange parse(String text, String field, long max) {
    return parse(text, field, 0, max);
  }

  public static PortRange parse(String text, String field, long min, long max) {
    long[] r = IpRuleSpec.range(text, field, min, max);
    return new PortRange(r[0], r[1]);
  }

  @Override
  public String toString() {
    return start == end ? Long.toString(start) : start + "-" + end;
  }
}
