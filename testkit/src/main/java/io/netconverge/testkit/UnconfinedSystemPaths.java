package io.netconverge.testkit;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.github.dockerjava.api.model.HostConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * What {@code docker run --security-opt systempaths=unconfined} sends: empty MaskedPaths and
 * ReadonlyPaths, so /proc/sys is writable in the container. docker-java's HostConfig lacks both
 * fields and the engine rejects that option through the API, so they are sent from this subclass.
 * (The same as it-tests' DebianTestImage.UnconfinedSystemPaths.)
 */
final class UnconfinedSystemPaths extends HostConfig {
  private static final long serialVersionUID = 1L;

  @JsonProperty("MaskedPaths")
  public List<String> getMaskedPaths() {
    return List.of();
  }

  @JsonProperty("ReadonlyPaths")
  public List<String> getReadonlyPaths() {
    return List.of();
  }

  static UnconfinedSystemPaths copyOf(HostConfig config) {
    UnconfinedSystemPaths copy = new UnconfinedSystemPaths();
    for (Field f : HostConfig.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      f.setAccessible(true);
      try {
        f.set(copy, f.get(config));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot copy HostConfig." + f.getName(), e);
      }
    }
    return copy;
  }
}
