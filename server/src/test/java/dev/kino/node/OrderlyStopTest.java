package dev.kino.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.KinoProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a server process ends and what it leaves behind, as an operator's service manager sees it.
 */
class OrderlyStopTest {
  @TempDir Path dataDir;

  @Test
  void sigterm_stops_the_server_in_order_with_exit_code_0() throws Exception {
    KinoProcess kino = KinoProcess.serve(dataDir, "--workers", "0");

    int exit = kino.terminate();

    assertThat(exit).as(kino.output()).isZero();
  }

  @Test
  void sqlites_native_library_is_unpacked_under_the_data_directory_not_in_tmp() throws Exception {
    try (KinoProcess kino = KinoProcess.serve(dataDir, "--workers", "0")) {
      try (Stream<Path> unpacked = Files.list(dataDir.resolve("tmp").resolve("sqlite"))) {
        assertThat(unpacked.map(p -> p.getFileName().toString()))
            .anyMatch(name -> name.contains("sqlite") && name.endsWith(".so"));
      }
    }
  }
}
