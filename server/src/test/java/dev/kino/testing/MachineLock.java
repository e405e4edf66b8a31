package dev.kino.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Holds a lock on a file under {@code target/} from before a {@link LoadsTheMachine} suite's first
 * test to after its last: the test forks are processes, so a lock in one JVM could not stop the
 * other.
 */
final class MachineLock implements BeforeAllCallback {
  private static final Path FILE =
      Path.of(System.getProperty("user.dir")).resolve("target/loads-the-machine.lock");

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    Files.createDirectories(FILE.getParent());
    FileChannel channel =
        FileChannel.open(FILE, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = channel.lock();
    // Closed by JUnit after the suite's last test, which releases the lock.
    context.getStore(ExtensionContext.Namespace.create(MachineLock.class)).put("lock", held(lock));
  }

  private static AutoCloseable held(FileLock lock) {
    return () -> {
      lock.release();
      lock.channel().close();
    };
  }
}
