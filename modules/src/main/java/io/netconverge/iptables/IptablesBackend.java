package io.netconverge.iptables;

import io.netconverge.core.net.Family;
import java.util.Optional;

/**
 * The two implementations behind the iptables commands since 1.8: nf_tables (iptables-nft) and the
 * old x_tables one (iptables-legacy). Each keeps its own rules; a converge reads, checks and writes
 * a family with the binaries of one backend only.
 */
public enum IptablesBackend {
  NFT("nft"),
  LEGACY("legacy");

  private final String suffix;

  IptablesBackend(String suffix) {
    this.suffix = suffix;
  }

  public String save(Family family) {
    return family.iptablesTool() + "-" + suffix + "-save";
  }

  public String restore(Family family) {
    return family.iptablesTool() + "-" + suffix + "-restore";
  }

  /** From {@code iptables --version}: {@code iptables v1.8.9 (nf_tables)} or {@code (legacy)}. */
  public static Optional<IptablesBackend> ofVersion(String versionOutput) {
    if (versionOutput.contains("(nf_tables)")) {
      return Optional.of(NFT);
    }
    if (versionOutput.contains("(legacy)")) {
      return Optional.of(LEGACY);
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "iptables-" + suffix;
  }
}
