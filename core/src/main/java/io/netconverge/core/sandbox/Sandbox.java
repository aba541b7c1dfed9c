package io.netconverge.core.sandbox;

import io.netconverge.core.engine.Host;
import io.netconverge.core.engine.NamespaceLock;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.exec.NetnsExecutor;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpPrefix;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away network namespace with the interfaces a host state names: each one is a veth whose
 * far end sits in a second namespace ("upstream") and answers at the gateway addresses, so routes
 * via those gateways are accepted. Closing removes both namespaces; closing twice is harmless, so a
 * shutdown hook may close it too.
 */
public final class Sandbox implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);

  private final Executor host;
  private final String name;
  private final String upstream;
  private final AtomicBoolean closed = new AtomicBoolean();

  private final Thread cleanup = new Thread(this::removeNamespaces, "sandbox-cleanup");

  private Sandbox(Executor host, String name) {
    this.host = host;
    this.name = name;
    this.upstream = name + "-up";
  }

  /** Builds the sandbox; on any failure removes what was made and rethrows. */
  public static Sandbox create(Executor host, List<SandboxInterface> interfaces)
      throws ExecException {
    byte[] id = new byte[3];
    new SecureRandom().nextBytes(id);
    Sandbox sandbox = new Sandbox(host, "nc-sandbox-" + HexFormat.of().formatHex(id));
    // Registered before the first namespace exists, so Ctrl-C at any moment leaves nothing behind.
    Runtime.getRuntime().addShutdownHook(sandbox.cleanup);
    try {
      sandbox.build(interfaces);
      return sandbox;
    } catch (ExecException | RuntimeException e) {
      sandbox.close();
      throw e;
    }
  }

  private void build(List<SandboxInterface> interfaces) throws ExecException {
    for (SandboxInterface itf : interfaces) {
      // Checked before the first namespace exists: a bad address is the caller's, not the host's.
      itf.addresses().forEach(Sandbox::familyOf);
      itf.gateways().forEach(Sandbox::familyOf);
      itf.leases().forEach(Sandbox::familyOf);
    }
    host.check("ip", "netns", "add", name);
    host.check("ip", "netns", "add", upstream);
    List<String> links = new ArrayList<>();
    List<String> inside = new ArrayList<>(List.of("link set lo up"));
    List<String> outside = new ArrayList<>(List.of("link set lo up"));
    List<String> leases = new ArrayList<>();
    int n = 0;
    for (SandboxInterface itf : interfaces) {
      String peer = "up" + n++;
      links.add(
          "link add "
              + itf.name()
              + " netns "
              + name
              + " type veth peer name "
              + peer
              + " netns "
              + upstream);
      for (String address : itf.addresses()) {
        inside.add("addr add " + address + " dev " + itf.name() + nodad(address));
      }
      inside.add("link set " + itf.name() + " up");
      for (String gateway : itf.gateways()) {
        String cidr = gateway.contains("/") ? gateway : gateway + "/" + prefixFor(gateway, itf);
        if (!gateway.contains("/") && !hasFamily(itf, gateway)) {
          // No address of the gateway's family on this side: a point-to-point pair (/31, /127)
          // puts the gateway on the link, so routes via it are accepted.
          String pair = pointToPointPartner(gateway);
          cidr = gateway + "/" + pair.substring(pair.indexOf('/') + 1);
          inside.add(inside.size() - 1, "addr add " + pair + " dev " + itf.name() + nodad(pair));
        }
        outside.add("addr add " + cidr + " dev " + peer + nodad(cidr));
      }
      outside.add("link set " + peer + " up");
      for (String gateway : itf.leases()) {
        // What a DHCP or RA client leaves behind: a default route of its own protocol, each
        // interface at its own metric, as dhclient and systemd-networkd do.
        boolean v6 = familyOf(gateway) == Family.IPV6;
        leases.add(
            "route add default via "
                + gateway
                + " dev "
                + itf.name()
                + " proto "
                + (v6 ? "ra" : "dhcp")
                + " metric "
                + (1000 + n));
      }
    }
    inside.addAll(leases);
    batch(List.of(), links);
    batch(List.of("-n", name), inside);
    batch(List.of("-n", upstream), outside);
  }

  private void batch(List<String> netns, List<String> lines) throws ExecException {
    if (lines.isEmpty()) {
      return;
    }
    List<String> argv = new ArrayList<>(List.of("ip"));
    argv.addAll(netns);
    argv.addAll(List.of("-batch", "-"));
    host.check(Command.of(argv).withStdin(String.join("\n", lines) + "\n"));
  }

  private static String nodad(String address) {
    return familyOf(address) == Family.IPV6 ? " nodad" : "";
  }

  /**
   * The family of an address, alone or with a prefix length ({@code 198.51.100.2/24}): parsed, not
   * guessed, so that anything that is not an address stops the sandbox before a batch is built.
   */
  static Family familyOf(String addressOrCidr) {
    int slash = addressOrCidr.indexOf('/');
    return IpPrefix.address(slash < 0 ? addressOrCidr : addressOrCidr.substring(0, slash)).family();
  }

  private static boolean hasFamily(SandboxInterface itf, String gateway) {
    Family family = familyOf(gateway);
    return itf.addresses().stream().anyMatch(a -> familyOf(a) == family);
  }

  /** The other address of the /31 (IPv4) or /127 (IPv6) the gateway is in, with that length. */
  static String pointToPointPartner(String gateway) {
    if (!gateway.matches("[0-9A-Fa-f:.]+")) {
      // Never a resolver lookup: only literals.
      throw new IllegalArgumentException("gateway '" + gateway + "' is not an address");
    }
    try {
      byte[] bytes = java.net.InetAddress.getByName(gateway).getAddress();
      bytes[bytes.length - 1] ^= 1;
      String partner = java.net.InetAddress.getByAddress(bytes).getHostAddress();
      return partner + (bytes.length == 4 ? "/31" : "/127");
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("gateway '" + gateway + "' is not an address", e);
    }
  }

  /** The gateway shares the subnet of the interface's address of its family. */
  private static String prefixFor(String gateway, SandboxInterface itf) {
    Family family = familyOf(gateway);
    for (String address : itf.addresses()) {
      if (familyOf(address) == family && address.contains("/")) {
        return address.substring(address.indexOf('/') + 1);
      }
    }
    return family == Family.IPV6 ? "128" : "32";
  }

  public String namespace() {
    return name;
  }

  public Executor executor() {
    return new NetnsExecutor(name, host);
  }

  public Host target() {
    return new Host("sandbox:" + name, executor(), NamespaceLock.standard());
  }

  @Override
  public void close() {
    removeNamespaces();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook runs removeNamespaces, which is idempotent.
    }
  }

  private void removeNamespaces() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (String ns : List.of(name, upstream)) {
      try {
        host.run(Command.of("ip", "netns", "del", ns));
      } catch (ExecException e) {
        LOG.warn("could not remove network namespace {}: {}", ns, e.getMessage());
      }
    }
  }
}
