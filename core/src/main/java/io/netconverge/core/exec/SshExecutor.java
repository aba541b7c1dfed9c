package io.netconverge.core.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs programs on a remote host through the OpenSSH client, so that the user's ssh configuration,
 * agent, jump hosts and known_hosts apply unchanged. One master connection per host is opened on
 * the first command and reused by the following ones (ControlMaster), so a converge costs one TCP
 * and key exchange plus one channel per command; the master lingers for {@code ControlPersist} so
 * that a plan followed by an apply reuses it too.
 *
 * <p>ssh hands the remote side one command line, which the remote user's shell parses: every
 * argument is single-quoted, so spaces, quotes, {@code $()} and {@code ;} reach the program as the
 * literal text they are.
 */
public final class SshExecutor implements Executor {

  /** ssh's own exit code for "could not connect or authenticate". */
  static final int SSH_FAILED = 255;

  private final SshConnection connection;
  private final Path controlDirectory;
  private final Executor local;

  public SshExecutor(SshConnection connection, Path controlDirectory, Executor local) {
    this.connection = connection;
    this.controlDirectory = controlDirectory;
    this.local = local;
  }

  public SshExecutor(SshConnection connection) {
    this(connection, defaultControlDirectory(), new LocalExecutor());
  }

  /** Where the master connections' sockets live: private to the user, kept across runs. */
  public static Path defaultControlDirectory() {
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isBlank()) {
      return Path.of(runtime, "netconverge", "ssh");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "netconverge", "ssh");
  }

  public SshConnection connection() {
    return connection;
  }

  /** The local argv that runs {@code argv} on the remote host. */
  public List<String> sshArgv(List<String> argv) {
    List<String> ssh = new ArrayList<>(List.of("ssh"));
    connection.configFile().ifPresent(f -> ssh.addAll(List.of("-F", f.toString())));
    // ssh option names are case-insensitive; the user's own options win over these defaults.
    Map<String, String> options = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    // Nobody is there to type a password or accept a host key: fail instead of waiting.
    options.put("BatchMode", "yes");
    options.put("ConnectTimeout", "10");
    options.put("ServerAliveInterval", "15");
    options.put("ServerAliveCountMax", "3");
    options.put("ControlMaster", "auto");
    options.put("ControlPath", controlDirectory.resolve("%C").toString());
    options.put("ControlPersist", "60s");
    options.putAll(connection.options());
    // Our command must run as sent, without a terminal: a user's RequestTTY or RemoteCommand would
    // turn the channel into a tty (CRLF, stderr in stdout) or replace the command.
    options.put("RequestTTY", "no");
    options.put("RemoteCommand", "none");
    options.forEach((k, v) -> ssh.addAll(List.of("-o", k + "=" + v)));
    connection.user().ifPresent(u -> ssh.addAll(List.of("-l", u)));
    if (connection.port().isPresent()) {
      ssh.addAll(List.of("-p", Integer.toString(connection.port().getAsInt())));
    }
    ssh.add("--");
    ssh.add(connection.host());
    ssh.add(remoteCommandLine(argv));
    return ssh;
  }

  /**
   * The one line the remote shell parses: every word single-quoted, under a fixed C locale so that
   * the tools print what the parsers expect (as the local executor does).
   */
  static String remoteCommandLine(List<String> argv) {
    StringBuilder sb = new StringBuilder("env LC_ALL=C");
    for (String arg : argv) {
      sb.append(' ').append(ShellQuoting.quote(arg));
    }
    return sb.toString();
  }

  @Override
  public ExecResult run(Command command) throws ExecException {
    prepareControlDirectory();
    ExecResult result =
        local.run(new Command(sshArgv(command.argv()), command.stdin(), command.timeout()));
    if (result.exitCode() == SSH_FAILED) {
      throw new ExecException(
          "cannot run '"
              + command.display()
              + "' on "
              + describe()
              + ": "
              + firstNonBlank(result.stderr(), "ssh exited 255"),
          result,
          null);
    }
    return result;
  }

  @Override
  public java.util.Optional<String> unreachable(int exitCode, String stderr) {
    return exitCode == SSH_FAILED
        ? java.util.Optional.of(
            "cannot reach " + describe() + ": " + firstNonBlank(stderr, "ssh exited 255"))
        : java.util.Optional.empty();
  }

  @Override
  public Process spawn(List<String> argv) throws ExecException {
    prepareControlDirectory();
    return local.spawn(sshArgv(argv));
  }

  @Override
  public String describe() {
    return "ssh " + connection.display();
  }

  private void prepareControlDirectory() throws ExecException {
    if (Files.isDirectory(controlDirectory)) {
      return;
    }
    try {
      Files.createDirectories(
          controlDirectory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new ExecException(
          "cannot make the ssh control directory " + controlDirectory + ": " + e, null, e);
    }
  }

  private static String firstNonBlank(String text, String otherwise) {
    String s = text.strip().replace('\n', ' ');
    return s.isEmpty() ? otherwise : s;
  }
}
