package io.netconverge.wan;

/**
 * A part of a WAN that this converge left out, and why: the next converge (or {@code converge
 * watch}, on the host's next link, address or route event) completes it.
 *
 * @param wan the WAN's name
 * @param resource what was left out, e.g. {@code route table isp2 (120)}
 * @param reason why, e.g. {@code interface wan1 is down}
 */
public record Pending(String wan, String resource, String reason) {

  @Override
  public String toString() {
    return wan + ": " + resource + ": " + reason;
  }
}
