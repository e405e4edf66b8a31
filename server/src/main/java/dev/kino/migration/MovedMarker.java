package dev.kino.migration;

import dev.kino.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The note a finished move leaves in the old data directory. Starting Kino on it embedded again
 * would take jobs the cluster never sees; so that start is refused, naming where the install went
 * and how to use the directory alone again.
 */
public final class MovedMarker {
  static final String FILE = "moved-to-cluster";

  private MovedMarker() {}

  static void write(Path dataDir, String target, Instant at) {
    try {
      Files.writeString(
          dataDir.resolve(FILE),
          "This install was moved to " + target + " by kino migrate at " + at + ".\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dataDir.resolve(FILE), e);
    }
  }

  /** For a node about to open the data directory's own SQLite database. */
  public static void refuseEmbeddedStart(Path dataDir) {
    Path marker = dataDir.resolve(FILE);
    if (!Files.isRegularFile(marker)) {
      return;
    }
    String note;
    try {
      note = Files.readString(marker).strip();
    } catch (IOException e) {
      note = "This install was moved to a cluster by kino migrate.";
    }
    throw new ConfigException(
        note
            + " Start Kino with --database (and --storage) to serve it; to use "
            + dataDir
            + " embedded again, delete "
            + marker
            + " (jobs submitted there will not reach the cluster).");
  }
}
