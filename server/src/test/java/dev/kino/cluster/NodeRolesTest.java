package dev.kino.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.KinoProcess;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The node roles on the command line: what each refuses, with a message that says what to run
 * instead.
 */
class NodeRolesTest {

  @Test
  void a_worker_without_the_clusters_database_or_told_to_run_nothing_does_not_start()
      throws Exception {
    String dataDir = Files.createTempDirectory("kino-roles-").toString();

    KinoProcess.Result alone = KinoProcess.run("worker", "--data-dir", dataDir);
    KinoProcess.Result idle =
        KinoProcess.run(
            "worker",
            "--no-workers",
            "--data-dir",
            dataDir,
            "--database",
            "postgresql://kino@127.0.0.1:1/kino");

    assertThat(alone.exitCode()).isNotZero();
    assertThat(alone.stderr())
        .contains("kino worker needs the cluster's database (--database postgresql://...)");
    assertThat(idle.exitCode()).isNotZero();
    assertThat(idle.stderr()).contains("an API-only node is kino serve --no-workers");
  }
}
