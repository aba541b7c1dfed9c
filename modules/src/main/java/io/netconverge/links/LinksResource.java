package io.netconverge.links;

import com.fasterxml.jackson.databind.JsonNode;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.ChangeValue;
import io.netconverge.core.engine.DeclarationRejectedException;
import io.netconverge.core.engine.Diff;
import io.netconverge.core.engine.FieldChange;
import io.netconverge.core.engine.ResourceId;
import io.netconverge.core.engine.ResourceModule;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.InterfaceAddress;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.core.spec.SpecSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Interfaces: up or down, MTU, addresses. Read: one {@code ip -j -d address show} for every
 * interface at once. Write: one {@code ip -batch -}.
 *
 * <p>What it owns: only the interfaces the file names, and of those only the fields the file sets.
 * It never creates or deletes an interface (a declared interface the target lacks is the file's
 * mistake, named at its line). Declared addresses are added when missing; an address the file does
 * not declare is never removed, unless the interface is declared {@code exclusive: true} (then
 * every undeclared address but the kernel's IPv6 link-local ones goes). An address that leaves the
 * file stays on the interface: without a mark of its own (iproute2 before 6.3 cannot set an
 * address's {@code proto}), nothing tells an address netconverge added from one it found.
 */
public final class LinksResource implements ResourceModule<LinksState, LinksPlan> {

  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final SpecSource source;

  /**
   * @param source the file the links were declared in, to name the line of an interface the target
   *     lacks
   */
  public LinksResource(SpecSource source) {
    this.source = source;
  }

  public LinksResource() {
    this(SpecSource.none());
  }

  @Override
  public String kind() {
    return "links";
  }

  @Override
  public LinksState read(Executor executor, LinksState declared) throws ExecException {
    if (declared.links().isEmpty()) {
      return declared;
    }
    ExecResult result = executor.check(Command.of("ip", "-j", "-d", "address", "show"));
    Map<String, Link> all = parse(result.stdout());
    Map<String, Link> live = new LinkedHashMap<>();
    List<SpecProblem> absent = new ArrayList<>();
    for (String name : declared.links().keySet()) {
      Link link = all.get(name);
      if (link == null) {
        absent.add(
            source.problem(
                "links" + LinksSpec.step(name),
                "no interface "
                    + name
                    + " on "
                    + executor.describe()
                    + "; links sets up interfaces that exist, it never creates one"));
      } else {
        live.put(name, link);
      }
    }
    if (!absent.isEmpty()) {
      throw new DeclarationRejectedException(absent);
    }
    return new LinksState(live);
  }

  /** Every interface in {@code ip -j -d address show}'s output. */
  static Map<String, Link> parse(String json) throws ExecException {
    Map<String, Link> links = new LinkedHashMap<>();
    JsonNode root;
    try {
      root = SpecLoader.json().readTree(json);
    } catch (java.io.IOException e) {
      throw new ExecException("cannot read ip -j address show: " + e.getMessage());
    }
    for (JsonNode itf : root) {
      String name = itf.path("ifname").asText();
      boolean up = false;
      for (JsonNode flag : itf.path("flags")) {
        up |= flag.asText().equals("UP");
      }
      List<LinkAddress> addresses = new ArrayList<>();
      for (JsonNode a : itf.path("addr_info")) {
        if (!a.has("local")) {
          continue;
        }
        InterfaceAddress address =
            InterfaceAddress.parse(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
        List<String> options = new ArrayList<>();
        if (a.has("address") && !a.path("address").asText().equals(a.path("local").asText())) {
          options.add("peer " + a.path("address").asText());
        }
        if (a.has("broadcast")) {
          options.add("broadcast " + a.path("broadcast").asText());
        }
        if (a.has("label") && !a.path("label").asText().equals(name)) {
          options.add("label " + a.path("label").asText());
        }
        for (String flag : List.of("noprefixroute", "nodad", "home", "mngtmpaddr", "autojoin")) {
          if (a.path(flag).asBoolean(false)) {
            options.add(flag);
          }
        }
        addresses.add(
            new LinkAddress(address, a.path("scope").asText("global"), String.join(" ", options)));
      }
      links.put(name, new Link(name, up, itf.path("mtu").asInt(), addresses, false));
    }
    return links;
  }

  @Override
  public Diff<LinksPlan> diff(LinksState declared, LinksState live) {
    List<Change> changes = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (Link want : declared.links().values()) {
      Link have = live.links().get(want.name());
      ResourceId resource = new ResourceId("link", want.name());
      if (have == null) {
        // Only a plan made without reading (a restore) gets here; read refuses a missing one.
        changes.add(Change.create(resource, value(want, want), List.of()));
        continue;
      }
      List<FieldChange> fields = new ArrayList<>();
      List<String> mine = new ArrayList<>();
      String dev = " dev " + want.name();
      if (want.mtu() != null && !want.mtu().equals(have.mtu())) {
        fields.add(new FieldChange("mtu", ChangeValue.of(have.mtu()), ChangeValue.of(want.mtu())));
        mine.add("link set" + dev + " mtu " + want.mtu());
      }
      for (LinkAddress a : have.addresses()) {
        boolean declaredHere = want.has(a);
        boolean sameAddressOtherLength =
            !declaredHere
                && a.address().family() == Family.IPV6
                && want.addresses().stream()
                    .anyMatch(w -> w.address().host().equals(a.address().host()));
        if (!declaredHere && (sameAddressOtherLength || want.exclusive() && !a.linkLocal())) {
          // An IPv6 address is one per interface whatever its length: a declared length replaces
          // the live one.
          fields.add(FieldChange.removed("address", ChangeValue.of(a)));
          mine.add("address del " + a.address() + dev);
        }
      }
      for (LinkAddress a : want.addresses()) {
        if (!have.has(a)) {
          fields.add(FieldChange.added("address", ChangeValue.of(a)));
          mine.add("address add " + a.address() + dev);
        }
      }
      if (want.up() != null && !want.up().equals(have.up())) {
        fields.add(
            new FieldChange(
                "state",
                ChangeValue.of(have.up(), state(have.up())),
                ChangeValue.of(want.up(), state(want.up()))));
        mine.add("link set" + dev + (want.up() ? " up" : " down"));
      }
      if (fields.isEmpty()) {
        changes.add(Change.ok(resource, value(have, want)));
      } else {
        changes.add(Change.update(resource, value(have, want), value(want, want), fields));
        lines.addAll(mine);
      }
    }
    return new Diff<>(changes, new LinksPlan(lines));
  }

  private static String state(Boolean up) {
    return Boolean.TRUE.equals(up) ? "up" : "down";
  }

  /** {@code link} as a change shows it: the typed link, rendered with the fields declared sets. */
  private static ChangeValue value(Link link, Link declared) {
    return ChangeValue.of(link, render(link, declared));
  }

  /** The fields {@code declared} sets, as {@code link} has them. */
  private static String render(Link link, Link declared) {
    List<String> words = new ArrayList<>();
    if (declared.up() != null) {
      words.add(state(link.up()));
    }
    if (declared.mtu() != null) {
      words.add("mtu " + link.mtu());
    }
    List<LinkAddress> shown =
        link == declared
            ? link.addresses()
            : link.addresses().stream()
                .filter(a -> declared.exclusive() ? !a.linkLocal() : declared.has(a))
                .toList();
    if (!shown.isEmpty() || declared.exclusive()) {
      words.add(
          (declared.exclusive() ? "exactly " : "")
              + "addresses "
              + String.join(" ", shown.stream().map(LinkAddress::toString).toList()));
    }
    return String.join(" ", words).strip();
  }

  /** One {@code ip -batch -} with every line; none when in sync. */
  @Override
  public List<Command> commands(LinksPlan plan) {
    if (plan.lines().isEmpty()) {
      return List.of();
    }
    return List.of(
        Command.of("ip", "-batch", "-")
            .withStdin(String.join("\n", plan.lines()) + "\n")
            .withTimeout(TIMEOUT));
  }

  /**
   * Per declared interface that the snapshot saw: its MTU; every address the declaration adds and
   * the snapshot lacked goes ({@code address replace} then {@code address del}, which works whether
   * the apply got to add it or not); where the apply may have removed addresses (exclusive, an IPv6
   * length declared anew, a link set down, which drops its IPv6 addresses) every address the
   * snapshot held is put back in the words ip printed it ({@code address replace}); then its state,
   * up or down.
   */
  @Override
  public LinksPlan restore(LinksState snapshot, LinksState declared) {
    List<String> lines = new ArrayList<>();
    for (Link want : declared.links().values()) {
      Link had = snapshot.links().get(want.name());
      if (had == null) {
        continue;
      }
      String dev = " dev " + want.name();
      lines.add("link set" + dev + " mtu " + had.mtu());
      for (LinkAddress a : want.addresses()) {
        if (!had.has(a)) {
          lines.add("address replace " + a.address() + dev);
          lines.add("address del " + a.address() + dev);
        }
      }
      // Addresses go by exclusive, by an IPv6 length declared anew, and by the kernel itself when
      // the link goes down (IPv6 ones, unless keep_addr_on_down): then all come back.
      boolean removedAny =
          want.exclusive()
              || Boolean.FALSE.equals(want.up()) && had.up()
              || had.addresses().stream()
                  .anyMatch(
                      a ->
                          !want.has(a)
                              && a.address().family() == Family.IPV6
                              && want.addresses().stream()
                                  .anyMatch(w -> w.address().host().equals(a.address().host())));
      if (removedAny) {
        for (LinkAddress a : had.addresses()) {
          if (!a.linkLocal()) {
            lines.add("address replace " + a.replayWords() + dev);
          }
        }
      }
      lines.add("link set" + dev + (had.up() ? " up" : " down"));
    }
    return new LinksPlan(lines);
  }
}
