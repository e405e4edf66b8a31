package dev.kino.node;

import dev.kino.config.ConfigException;
import dev.kino.storage.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Makes a server the only one on its data directory. That is what lets it treat every job still
 * marked running at start-up as abandoned by a crash, and recover it at once instead of waiting for
 * leases to expire. The OS drops the lock when the process dies, even on {@code kill -9}.
 */
public final class DataDirLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static DataDirLock acquire(Path dataDir) {
    try {
      OwnerOnly.directory(dataDir);
      FileChannel channel =
          FileChannel.open(
              dataDir.resolve("server.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw new ConfigException(
            "another Kino server is already running on the data directory "
                + dataDir
                + "; stop it or choose another --data-dir");
      }
      return new DataDirLock(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock the data directory " + dataDir, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // The lock goes with the process anyway.
    }
  }
}
