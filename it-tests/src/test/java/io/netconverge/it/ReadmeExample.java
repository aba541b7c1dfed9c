package io.netconverge.it;

// README-BEGIN
import io.netconverge.Converger;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.ConvergeEvent;
import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.HostReport;
import io.netconverge.hoststate.HostState;
import io.netconverge.sysctl.SysctlValue;

public final class ReadmeExample {

  /** Makes the network namespace NAME forward IPv4 and filter with one nft table. */
  public static HostReport converge(String namespace) throws Exception {
    HostState state =
        HostState.builder() // checked like a file: a mistake throws InvalidSpecException
            .sysctl("net.ipv4.ip_forward", "1")
            .nftables(
                "inet filter", "chain input { type filter hook input priority 0; policy accept; }")
            .build();
    try (Converger converger =
        Converger.builder()
            .progress(
                event -> {
                  if (event instanceof ConvergeEvent.Applying applying) {
                    System.out.println(applying.host() + ": applying " + applying.module());
                  }
                })
            .build()) {
      HostReport report = converger.apply(state, Host.netns(namespace));
      report
          .failure()
          .ifPresent(f -> System.out.println(f.module().orElse("-") + ": " + f.message()));
      for (Change change : report.pending()) { // what the apply changed, as typed values
        change
            .after(SysctlValue.class)
            .ifPresent(v -> System.out.println(v.key() + " is now " + v.number().orElseThrow()));
      }
      return report; // report.status(): OK, CHANGED, FAILED (restored), LOCKED, INVALID
    }
  }
}
// README-END
