package io.netconverge.container;

import io.netconverge.Converger;
import io.netconverge.FleetHost;
import io.netconverge.Netconverge;
import io.netconverge.core.engine.Change;
import io.netconverge.core.engine.HostReport;
import io.netconverge.core.engine.Mode;
import io.netconverge.core.engine.Target;
import io.netconverge.core.exec.Command;
import io.netconverge.core.exec.DockerExecutor;
import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.ExecResult;
import io.netconverge.core.exec.Executor;
import io.netconverge.core.net.Family;
import io.netconverge.core.net.IpPrefix;
import io.netconverge.core.sandbox.Sandbox;
import io.netconverge.core.sandbox.SandboxInterface;
import io.netconverge.core.spec.InvalidSpecException;
import io.netconverge.core.spec.SpecLoader;
import io.netconverge.core.spec.SpecProblem;
import io.netconverge.hoststate.HostState;
import io.netconverge.hoststate.HostStateSpec;
import io.netconverge.wan.LiveReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Converges a host state file in a container of a Debian release, as a user's CI would check it:
 * the release's image is made on this machine ({@link DebianImages}, no registry), a container of
 * it is started with the least it needs ({@link TestContainer#LEAST_PRIVILEGE}), the interfaces the
 * file names are made inside it as veth pairs whose far ends answer at the file's gateways (the
 * {@link Sandbox}, run in the container), the file is applied there, a second plan must have zero
 * changes, and optionally each declared gateway must answer a ping sent out of its interface. Each
 * step is reported as it ends; a step that cannot run because an earlier one failed is reported as
 * skipped. The container is removed afterwards.
 */
public final class ContainerTest {

  /** Where the container's iproute2 reads the names netconverge writes. */
  private static final Path IPROUTE2 = Path.of("/etc/iproute2");

  /** What a run was asked to do. */
  public record Options(String release, boolean probe, String containerName) {
    public Options {
      if (!DebianImages.RELEASES.contains(release)) {
        throw new IllegalArgumentException(
            "unsupported Debian release '"
                + release
                + "' (one of "
                + String.join(", ", DebianImages.RELEASES)
                + ")");
      }
      String problem = DockerExecutor.nameProblem(containerName);
      if (problem != null) {
        throw new IllegalArgumentException("container name " + problem);
      }
    }
  }

  /** How a step ended. */
  public enum Outcome {
    PASSED,
    FAILED,
    SKIPPED
  }

  /**
   * One step of a run.
   *
   * @param name what it is: {@code image}, {@code container}, {@code interfaces}, {@code apply},
   *     {@code second plan}, {@code probe IFACE GATEWAY}
   * @param outcome how it ended
   * @param detail what it found, or why it failed or was skipped
   * @param took how long it ran
   */
  public record Step(String name, Outcome outcome, String detail, Duration took) {}

  /** Told of a run as it goes: the image build alone can take minutes. */
  public interface Listener {
    /** A line of what is happening now (the image build's messages). */
    default void progress(String line) {}

    /** A step ended. */
    default void step(Step step) {}

    Listener NONE = new Listener() {};
  }

  /**
   * A run's result.
   *
   * @param steps every step, in order
   * @param apply the apply's report, or null when it did not run
   * @param replan the second plan's report, or null when it did not run
   */
  public record Result(List<Step> steps, HostReport apply, HostReport replan) {
    public Result {
      steps = List.copyOf(steps);
    }

    /** Whether every step that ran passed and none was skipped. */
    public boolean passed() {
      return steps.stream().allMatch(s -> s.outcome() == Outcome.PASSED);
    }

    /**
     * Whether the container's tools rejected the declaration (nothing was changed by the apply).
     */
    public boolean rejected() {
      return apply != null && apply.status() == HostReport.Status.INVALID;
    }
  }

  private final Executor local;
  private final Listener listener;

  /**
   * @param local where the {@code docker} client and the rootfs script run (this machine)
   */
  public ContainerTest(Executor local, Listener listener) {
    this.local = local;
    this.listener = listener;
  }

  /**
   * Loads {@code file} the way the container will read it, and refuses what a network namespace
   * cannot keep apart: sysctls of the whole machine (a container shares the kernel of the machine
   * running it, so they would change that machine).
   *
   * @throws InvalidSpecException when the file is not valid, each problem at its line
   */
  public static HostState load(Path file) throws InvalidSpecException {
    HostState state = Netconverge.load(file, IPROUTE2);
    List<SpecProblem> problems =
        state.namespaceTargetProblems(SpecLoader.read(file), file.toString(), "");
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    return state;
  }

  /**
   * Runs every step for {@code file}.
   *
   * @throws InvalidSpecException when the file is not valid (nothing was started)
   */
  public Result run(Path file, Options options) throws InvalidSpecException {
    HostState state = load(file);
    SpecLoader.Loaded<HostStateSpec> loaded =
        Netconverge.loader().loadWithSource(file, HostStateSpec.class);
    Steps steps = new Steps();

    long t = System.nanoTime();
    String image;
    try {
      image = DebianImages.ensure(options.release(), local, listener::progress);
      steps.passed("image", image, t);
    } catch (DebianImages.ImageException e) {
      steps.failed("image", e.getMessage(), t);
      return steps.skipRest(options.probe(), state, "no image", null, null);
    }

    t = System.nanoTime();
    try (TestContainer container = TestContainer.start(local, image, options.containerName())) {
      String tools = versions(container.executor());
      steps.passed(
          "container",
          container.name() + " (" + String.join(" ", TestContainer.LEAST_PRIVILEGE) + "); " + tools,
          t);
      return inContainer(container.executor(), state, loaded, options.probe(), steps);
    } catch (ExecException e) {
      steps.failed("container", e.getMessage(), t);
      return steps.skipRest(options.probe(), state, "no container", null, null);
    }
  }

  /**
   * Runs the steps after the container for {@code file} in a container someone else started (the
   * testkit's, through Testcontainers), which must have what {@link TestContainer#LEAST_PRIVILEGE}
   * gives: the interfaces, the apply, the second plan and, with {@code probe}, the pings. The
   * interfaces live in a network namespace of their own inside the container, removed afterwards,
   * so one container can take several files in turn.
   *
   * @throws InvalidSpecException when the file is not valid (nothing was run)
   */
  public Result run(Path file, DockerExecutor container, boolean probe)
      throws InvalidSpecException {
    HostState state = load(file);
    SpecLoader.Loaded<HostStateSpec> loaded =
        Netconverge.loader().loadWithSource(file, HostStateSpec.class);
    return inContainer(container, state, loaded, probe, new Steps());
  }

  private Result inContainer(
      DockerExecutor container,
      HostState state,
      SpecLoader.Loaded<HostStateSpec> loaded,
      boolean probe,
      Steps steps) {
    long t = System.nanoTime();
    Sandbox sandbox;
    try {
      sandbox = Sandbox.create(container, state.interfaces());
    } catch (ExecException | RuntimeException e) {
      steps.failed("interfaces", e.getMessage(), t);
      return steps.skipRest(probe, state, "the interfaces could not be made", null, null);
    }
    try (sandbox) {
      steps.passed(
          "interfaces",
          state.interfaces().isEmpty()
              ? "none named"
              : state.interfaces().stream()
                  .map(ContainerTest::describe)
                  .collect(Collectors.joining("; ")),
          t);

      t = System.nanoTime();
      LiveReport apply = converge(Mode.APPLY, state, sandbox.target());
      HostReport applied = apply.report();
      if (applied.status() != HostReport.Status.OK
          && applied.status() != HostReport.Status.CHANGED) {
        steps.failed("apply", applied.status() + ": " + applied.error(), t);
        return steps.skipRest(probe, state, "the apply failed", applied, null);
      }
      steps.passed(
          "apply",
          applied.changed() + " changed, " + applied.ok() + " already as declared" + pending(apply),
          t);

      t = System.nanoTime();
      LiveReport replan = converge(Mode.PLAN, state, sandbox.target());
      HostReport second = replan.report();
      List<Change> left = second.pending();
      if (second.error() != null) {
        steps.failed("second plan", second.status() + ": " + second.error(), t);
      } else if (!left.isEmpty() || second.status() != HostReport.Status.OK) {
        steps.failed(
            "second plan",
            "not idempotent, "
                + left.size()
                + " change(s) left: "
                + left.stream().map(Change::toString).collect(Collectors.joining("; ")),
            t);
      } else {
        steps.passed("second plan", "zero changes", t);
      }

      if (probe) {
        for (SandboxInterface itf : state.interfaces()) {
          for (String gateway : itf.gateways()) {
            probe(sandbox.executor(), itf.name(), gateway, steps);
          }
        }
      }
      return new Result(steps.all, applied, second);
    }
  }

  /** One ping of {@code gateway} out of {@code itf}, from inside the converged namespace. */
  private static void probe(Executor box, String itf, String gateway, Steps steps) {
    long t = System.nanoTime();
    String address = address(gateway);
    String name = probeName(itf, gateway);
    String family = IpPrefix.address(address).family() == Family.IPV6 ? "-6" : "-4";
    try {
      ExecResult r =
          box.run(
              Command.of("ping", family, "-c", "1", "-W", "2", "-I", itf, address)
                  .withTimeout(Duration.ofSeconds(10)));
      if (r.ok()) {
        String rtt = r.stdout().replaceAll("(?s).*time=([0-9.]+ ms).*", "$1");
        steps.passed(name, "answered" + (rtt.equals(r.stdout()) ? "" : " in " + rtt), t);
      } else {
        steps.failed(
            name,
            "no answer (ping exit "
                + r.exitCode()
                + "): "
                + (r.stdout().strip() + " " + r.stderr().strip()).strip().replace('\n', ' '),
            t);
      }
    } catch (ExecException e) {
      steps.failed(name, e.getMessage(), t);
    }
  }

  private static String address(String gateway) {
    return gateway.contains("/") ? gateway.substring(0, gateway.indexOf('/')) : gateway;
  }

  private static String probeName(String itf, String gateway) {
    return "probe " + itf + " " + address(gateway);
  }

  private static String versions(Executor container) {
    try {
      ExecResult r =
          container.run(Command.of("sh", "-c", "nft --version; iptables --version; ip -V"));
      return r.stdout().strip().replaceAll("\\s*\\n\\s*", ", ");
    } catch (ExecException e) {
      return "tool versions unknown: " + e.getMessage();
    }
  }

  private static String describe(SandboxInterface itf) {
    List<String> parts = new ArrayList<>(itf.addresses());
    itf.gateways().forEach(g -> parts.add("gateway " + g));
    return itf.name() + (parts.isEmpty() ? "" : " " + String.join(" ", parts));
  }

  private static String pending(LiveReport report) {
    return report.pending().isEmpty()
        ? ""
        : "; pending: "
            + report.pending().stream().map(Object::toString).collect(Collectors.joining("; "));
  }

  /** The steps so far, each told to the listener as it is added. */
  private final class Steps {
    final List<Step> all = new ArrayList<>();

    void passed(String name, String detail, long started) {
      add(new Step(name, Outcome.PASSED, detail, since(started)));
    }

    void failed(String name, String detail, long started) {
      add(new Step(name, Outcome.FAILED, detail, since(started)));
    }

    private void add(Step step) {
      all.add(step);
      listener.step(step);
    }

    /** Every step after the first failed one, as skipped with the reason. */
    Result skipRest(
        boolean probe, HostState state, String why, HostReport apply, HostReport replan) {
      List<String> rest = new ArrayList<>();
      // The steps after the first one this run has (a run in someone else's container starts at
      // the interfaces), that did not run.
      boolean after = false;
      for (String name : List.of("image", "container", "interfaces", "apply", "second plan")) {
        boolean ran = all.stream().anyMatch(s -> s.name().equals(name));
        if (after && !ran) {
          rest.add(name);
        }
        after |= ran;
      }
      if (probe) {
        for (SandboxInterface itf : state.interfaces()) {
          for (String gateway : itf.gateways()) {
            rest.add(probeName(itf.name(), gateway));
          }
        }
      }
      for (String name : rest) {
        add(new Step(name, Outcome.SKIPPED, why, Duration.ZERO));
      }
      return new Result(all, apply, replan);
    }

    private Duration since(long started) {
      return Duration.ofNanos(System.nanoTime() - started);
    }
  }

  /** One converge through the library's one path; a container runs no watch to ask for health. */
  private static LiveReport converge(Mode mode, HostState state, Target target) {
    try (Converger converger = Converger.builder().health(t -> Map.of()).build()) {
      return converger.runOne(mode, new FleetHost(target, state), () -> false);
    }
  }
}
