package dev.kino.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.config.Settings;
import dev.kino.testing.Api;
import dev.kino.testing.Images;
import dev.kino.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing in the data directory is readable by other users of the machine. */
class DataDirPermissionsTest {
  @TempDir Path parent;

  @Test
  void the_data_directory_is_the_owners_alone_and_so_is_every_file_kino_writes() throws Exception {
    Path dataDir = parent.resolve("kino-data");
    Settings settings =
        Settings.forDataDir(dataDir).withAdminKey(TestServer.ADMIN_KEY).withPort(0).withWorkers(1);
    try (KinoNode node = KinoNode.start(settings, new PrintStream(new ByteArrayOutputStream()))) {
      Api api = new Api("http://127.0.0.1:" + node.port(), TestServer.ADMIN_KEY);
      String id =
          api.submitOk(
              "kling/kling-3.0/standard/text-to-video", "{\"prompt\": \"p\", \"duration\": 3}");
      api.awaitState(id, Duration.ofSeconds(60), "completed");
      assertThat(
              api.uploadRaw("?filename=a.png", Images.encode(Images.quadrants(64, 64), "png"))
                  .status())
          .isBetween(200, 201);

      assertThat(mode(dataDir)).isEqualTo("rwx------");
      List<Path> files;
      try (Stream<Path> all = Files.walk(dataDir)) {
        files =
            all.filter(Files::isRegularFile)
                .filter(f -> !f.getFileName().toString().equals("server.lock"))
                .toList();
      }
      assertThat(files)
          .extracting(f -> f.getFileName().toString())
          .contains("kino.db", "video.mp4", "a.png", "url-signing.key");
      for (Path file : files) {
        if (file.startsWith(dataDir.resolve("files"))
            || file.getFileName().toString().startsWith("kino.db")
            || file.getFileName().toString().endsWith(".key")) {
          assertThat(mode(file)).as(dataDir.relativize(file).toString()).isEqualTo("rw-------");
        }
      }
    }
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
