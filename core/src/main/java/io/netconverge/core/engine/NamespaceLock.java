package io.netconverge.core.engine;

import io.netconverge.core.exec.ExecException;
import io.netconverge.core.exec.Executor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The converge lock of a network namespace on this machine. Everything netconverge manages lives in
 * a network namespace, so the lock is keyed by the namespace's inode (as the target's executor sees
 * {@code /proc/self/ns/net}): two converges of one namespace exclude each other, even under two
 * names; converges of different namespaces run in parallel. An OS file lock is released by the
 * kernel when the process dies, so a crash never leaves a stale lock.
 */
public final class NamespaceLock {

  private static final Pattern NS_LINK = Pattern.compile("net:\\[(\\d+)]");

  private final Path directory;

  public NamespaceLock(Path directory) {
    this.directory = directory;
  }

  public static NamespaceLock standard() {
    return new NamespaceLock(Path.of("/run/netconverge"));
  }

  /** Reads the identity of the namespace the executor runs in: its inode number. */
  public static String namespaceId(Executor executor) throws ExecException {
    String link = executor.check("readlink", "/proc/self/ns/net").stdout().strip();
    Matcher m = NS_LINK.matcher(link);
    if (!m.matches()) {
      throw new ExecException("unexpected /proc/self/ns/net link: '" + link + "'");
    }
    return m.group(1);
  }

  public HostLock acquire(Executor executor, String hostName)
      throws ExecException, LockHeldException {
    String id = namespaceId(executor);
    Path file = directory.resolve("netns-" + id + ".lock");
    FileChannel channel;
    try {
      Files.createDirectories(directory);
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new ExecException("cannot open lock file " + file + ": " + e.getMessage(), null, e);
    }
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new ExecException("cannot lock " + file + ": " + e.getMessage(), null, e);
    }
    if (lock == null) {
      closeQuietly(channel);
      throw new LockHeldException(
          "another converge holds the lock of "
              + hostName
              + " (network namespace "
              + id
              + ", "
              + file
              + ")");
    }
    FileLock held = lock;
    return () -> {
      try {
        held.release();
      } catch (IOException e) {
        // The channel close below releases it as well.
      } finally {
        closeQuietly(channel);
      }
    };
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a lock file we only wrote a lock on; nothing to recover.
    }
  }
}
