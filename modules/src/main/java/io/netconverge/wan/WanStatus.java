package io.netconverge.wan;

import io.netconverge.core.engine.PendingPart;
import java.util.List;

/**
 * One WAN as a converge found it.
 *
 * @param name the WAN's name
 * @param itf its interface
 * @param present the interface exists
 * @param adminUp it is set up
 * @param carrier its link is up at the lower layer
 * @param gateway4 the IPv4 gateway in use (declared or learnt), null when none is known
 * @param gateway6 the IPv6 gateway in use, null when none is known
 * @param health what tracking says
 * @param active in the outbound default: link up, gateways known, not tracked down
 * @param pending the parts this converge left out
 */
public record WanStatus(
    String name,
    String itf,
    boolean present,
    boolean adminUp,
    boolean carrier,
    String gateway4,
    String gateway6,
    Health health,
    boolean active,
    List<PendingPart> pending) {

  public WanStatus {
    pending = List.copyOf(pending);
  }

  /** {@code up}, {@code down}, {@code no carrier} or {@code missing}. */
  public String link() {
    if (!present) {
      return "missing";
    }
    if (!adminUp) {
      return "down";
    }
    return carrier ? "up" : "no carrier";
  }

  /**
   * This WAN with the health tracking now reports: in the outbound default when nothing of it is
   * pending and the new health is usable. The watch writes its status with it between converges, so
   * a transition and the health beside it always agree.
   */
  public WanStatus withHealth(Health now) {
    return new WanStatus(
        name,
        itf,
        present,
        adminUp,
        carrier,
        gateway4,
        gateway6,
        now,
        pending.isEmpty() && now.usable(),
        pending);
  }
}
