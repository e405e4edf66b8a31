package dev.kino.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.KinoProcess;
import dev.kino.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code kino keys} as an operator runs it, on the data directory of a running server. */
class KeysCommandTest {

  @Test
  void keys_made_and_revoked_from_the_command_line_take_effect_on_a_running_server() {
    try (TestServer server = TestServer.start(0)) {
      String dataDir = server.dataDir().toString();

      KinoProcess.Result created =
          KinoProcess.run("keys", "create", "--name", "ci-bot", "--data-dir", dataDir);
      String key = created.stdout().strip();
      assertThat(created.exitCode()).isZero();
      assertThat(key).startsWith("kino_").hasSize(37);
      assertThat(server.api(key).get("/v1/models").status()).isEqualTo(200);

      KinoProcess.Result listed = KinoProcess.run("keys", "list", "--data-dir", dataDir);
      assertThat(listed.stdout())
          .contains("ci-bot")
          .contains(key.substring(0, 9))
          .doesNotContain(key);
      String id =
          listed
              .stdout()
              .lines()
              .filter(l -> l.contains("ci-bot"))
              .findFirst()
              .orElseThrow()
              .split("\\s+")[0];

      KinoProcess.Result revoked = KinoProcess.run("keys", "revoke", id, "--data-dir", dataDir);
      assertThat(revoked.exitCode()).isZero();
      assertThat(server.api(key).get("/v1/models").status()).isEqualTo(401);
      assertThat(KinoProcess.run("keys", "revoke", id, "--data-dir", dataDir).exitCode())
          .isEqualTo(1);
    }
  }

  @Test
  void a_fresh_data_directory_without_an_operator_key_gets_an_admin_key_printed_once()
      throws Exception {
    Path dataDir = Files.createTempDirectory("kino-bootstrap-");
    String printed;
    try (KinoProcess first = KinoProcess.serveWithoutAdminKey(dataDir)) {
      printed =
          first
              .output()
              .lines()
              .map(String::strip)
              .filter(l -> l.startsWith("kino_"))
              .findFirst()
              .orElseThrow();
      assertThat(first.api(printed).get("/v1/models").status()).isEqualTo(200);
    }
    try (KinoProcess again = KinoProcess.serveWithoutAdminKey(dataDir)) {
      assertThat(again.output()).doesNotContain("kino_");
      assertThat(again.api(printed).get("/v1/models").status()).isEqualTo(200);
    }
    assertThat(
            Files.readString(
                dataDir.resolve("kino.db"), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(printed);
  }
}
