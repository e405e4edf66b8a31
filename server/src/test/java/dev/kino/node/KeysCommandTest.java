package dev.kino.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.testing.Api;
import dev.kino.testing.KinoProcess;
import dev.kino.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
      await() // a running server reads a key again after half a second; more absorbs a busy machine
          .atMost(Duration.ofSeconds(30))
          .until(() -> server.api(key).get("/v1/models").status() == 401);
      assertThat(KinoProcess.run("keys", "revoke", id, "--data-dir", dataDir).exitCode())
          .isEqualTo(1);
    }
  }

  @Test
  void a_key_made_with_limits_and_models_on_the_command_line_keeps_to_them() {
    try (TestServer server = TestServer.start(0)) {
      String dataDir = server.dataDir().toString();
      KinoProcess.Result created =
          KinoProcess.run(
              "keys",
              "create",
              "--name",
              "drafts",
              "--max-queued",
              "1",
              "--model",
              "kling/kling-3.0/standard/*",
              "--expires-at",
              "2099-01-01T00:00:00Z",
              "--budget-usd",
              "20",
              "--budget-period",
              "month",
              "--data-dir",
              dataDir);
      assertThat(created.exitCode()).as(created.stderr()).isZero();
      Api drafts = server.api(created.stdout().strip());

      drafts.submitOk("kling/kling-3.0/standard/text-to-video", "{\"prompt\": \"one\"}");
      assertThat(
              drafts
                  .submit("kling/kling-3.0/standard/text-to-video", "{\"prompt\": \"two\"}")
                  .status())
          .isEqualTo(429);
      assertThat(
              drafts.submit("kling/kling-3.0/pro/text-to-video", "{\"prompt\": \"pro\"}").status())
          .isEqualTo(403);
      assertThat(KinoProcess.run("keys", "list", "--data-dir", dataDir).stdout())
          .contains("queued 1")
          .contains("$20/month")
          .contains("kling/kling-3.0/standard/*")
          .contains("2099-01-01T00:00:00Z");
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
