package io.netconverge.links;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The interfaces of a host state, by name: declared, or read live (then only those the declaration
 * names, and only those that exist).
 */
public record LinksState(Map<String, Link> links) {

  public LinksState {
    links = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(links));
  }
}
