package io.netconverge.cli;

import io.netconverge.Netconverge;
import io.netconverge.container.ContainerTest;
import io.netconverge.container.DebianImages;
import io.netconverge.core.exec.LocalExecutor;
import io.netconverge.core.spec.InvalidSpecException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    mixinStandardHelpOptions = true,
    name = "test",
    description = {
      "Converge a host state file in a container of a Debian release, for CI: the release's image"
          + " is made on this machine (debootstrap, no registry; minutes the first time, then"
          + " cached), the interfaces the file names are made inside the container as veth pairs"
          + " whose far ends answer at its gateways, the file is applied there and a second plan"
          + " must have zero changes. With --probe each declared gateway must answer a ping sent"
          + " out of its interface. Nothing on this machine is converged.",
      "Needs root, debootstrap and a Docker engine. The container gets --cap-add NET_ADMIN"
          + " --cap-add SYS_ADMIN --security-opt systempaths=unconfined (not privileged) and no"
          + " network; it is removed afterwards.",
      "Exits 0 when every step passed, 1 when one failed, 65 for an invalid file (also when the"
          + " container's tools reject it), 64 for a usage error."
    })
final class TestCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A HostState file.")
  Path file;

  @Option(
      names = "--distro",
      paramLabel = "RELEASE",
      defaultValue = "bookworm",
      description = "bullseye, bookworm or trixie (default: ${DEFAULT-VALUE}).")
  String distro;

  @Option(
      names = "--probe",
      description = "Ping each declared gateway out of its interface after the converge.")
  boolean probe;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "The container's name (default: converge-test- and a random suffix); a container"
              + " that has it already is refused and left as it is.")
  String name;

  @Mixin LoggingOptions logging = new LoggingOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!DebianImages.RELEASES.contains(distro)) {
      err.println(
          "converge: --distro "
              + distro
              + " is not supported (one of "
              + String.join(", ", DebianImages.RELEASES)
              + ")");
      return ExitCodes.USAGE;
    }
    String container = name != null ? name : "converge-test-" + suffix();
    ContainerTest.Options options;
    try {
      options = new ContainerTest.Options(distro, probe, container);
      if (!Netconverge.kindOf(file).equals("HostState")) {
        err.println("converge: test takes a HostState file; " + file + " is an inventory");
        return ExitCodes.USAGE;
      }
      ContainerTest.load(file);
    } catch (IllegalArgumentException e) {
      err.println("converge: " + e.getMessage());
      return ExitCodes.USAGE;
    } catch (InvalidSpecException e) {
      err.println(e.getMessage());
      err.println("converge: " + file + " is not valid; nothing was run");
      return ExitCodes.INVALID_FILE;
    }

    out.println("converge test " + file + " on Debian " + distro);
    out.flush();
    Printer printer = new Printer(out, err);
    ContainerTest.Result result;
    try {
      result = new ContainerTest(new LocalExecutor(), printer).run(file, options);
    } catch (InvalidSpecException e) {
      err.println(e.getMessage());
      err.println("converge: " + file + " is not valid; nothing was run");
      return ExitCodes.INVALID_FILE;
    } finally {
      printer.stop();
    }
    long passed = count(result, ContainerTest.Outcome.PASSED);
    long failed = count(result, ContainerTest.Outcome.FAILED);
    long skipped = count(result, ContainerTest.Outcome.SKIPPED);
    out.println(
        "test "
            + distro
            + ": "
            + (result.passed() ? "PASSED" : "FAILED")
            + " ("
            + passed
            + " passed, "
            + failed
            + " failed, "
            + skipped
            + " skipped)");
    if (result.rejected()) {
      err.println("converge: " + file + " is not valid on " + distro + "; nothing was changed");
      return ExitCodes.INVALID_FILE;
    }
    return result.passed() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private static long count(ContainerTest.Result result, ContainerTest.Outcome outcome) {
    return result.steps().stream().filter(s -> s.outcome() == outcome).count();
  }

  private static String suffix() {
    byte[] id = new byte[3];
    new SecureRandom().nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  /**
   * One line per step on stdout; what the image build says, and a line every 30 seconds while it
   * runs (the first build of a release takes minutes), on stderr.
   */
  private static final class Printer implements ContainerTest.Listener {
    private final PrintWriter out;
    private final PrintWriter err;
    private final long started = System.nanoTime();
    private final AtomicBoolean imageDone = new AtomicBoolean();
    private final ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "converge-test-progress");
              t.setDaemon(true);
              return t;
            });

    Printer(PrintWriter out, PrintWriter err) {
      this.out = out;
      this.err = err;
      err.println(
          "  image: making sure this machine has it (the first time: debootstrap, minutes)");
      err.flush();
      ticker.scheduleAtFixedRate(this::tick, 30, 30, TimeUnit.SECONDS);
    }

    private void tick() {
      if (!imageDone.get()) {
        synchronized (this) {
          err.println(
              "  image: still being made ("
                  + human(Duration.ofNanos(System.nanoTime() - started))
                  + ")");
          err.flush();
        }
      }
    }

    @Override
    public synchronized void progress(String line) {
      err.println("  | " + line);
      err.flush();
    }

    @Override
    public synchronized void step(ContainerTest.Step step) {
      imageDone.set(true);
      out.println(
          String.format(
              "%-7s %-28s %s%s",
              step.outcome(),
              step.name(),
              step.detail(),
              step.outcome() == ContainerTest.Outcome.SKIPPED
                  ? ""
                  : " (" + human(step.took()) + ")"));
      out.flush();
    }

    void stop() {
      ticker.shutdownNow();
    }

    private static String human(Duration d) {
      long s = d.toSeconds();
      if (s >= 60) {
        return s / 60 + "m" + String.format("%02d", s % 60) + "s";
      }
      return String.format("%.1fs", d.toMillis() / 1000.0);
    }
  }
}
