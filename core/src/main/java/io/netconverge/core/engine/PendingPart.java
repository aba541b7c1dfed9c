package io.netconverge.core.engine;

import java.util.Objects;

/**
 * A part of a host state that a converge left out because the host cannot take it yet (a WAN that
 * is down, missing or has no gateway), and why. Everything else converged; the next converge (or
 * {@code converge watch}, on the host's next link, address or route event) completes it.
 *
 * @param wan the WAN the part belongs to
 * @param resource what was left out, e.g. {@code route table isp2 (120)}
 * @param reason why, e.g. {@code interface wan1 is down}
 */
public record PendingPart(String wan, String resource, String reason) {

  public PendingPart {
    Objects.requireNonNull(wan, "wan");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public String toString() {
    return wan + ": " + resource + ": " + reason;
  }
}
