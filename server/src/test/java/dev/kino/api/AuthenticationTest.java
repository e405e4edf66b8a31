package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.database.SqliteDatabase;
import dev.kino.keys.CreatedKey;
import dev.kino.keys.KeyStore;
import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bearer keys on every /v1 route, and each key seeing only its own requests. */
class AuthenticationTest {
  static final String PRO = "kling/kling-3.0/pro/text-to-video";
  static TestServer server;
  static SqliteDatabase db;
  static KeyStore keys;

  @BeforeAll
  static void start() {
    server = TestServer.start(0);
    // A second handle on the same database, as `kino keys` uses it while the server runs.
    db = SqliteDatabase.open(server.dataDir());
    keys = new KeyStore(db);
  }

  @AfterAll
  static void stop() {
    db.close();
    server.close();
  }

  @Test
  void a_request_without_a_key_is_a_401_in_the_error_shape() {
    Api.Answer answer = server.api(null).get("/v1/models");

    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer.body().path("error_code").asInt()).isEqualTo(401001);
    assertThat(answer.raw().headers().firstValue("WWW-Authenticate")).contains("Bearer");
  }

  @Test
  void an_unknown_key_is_a_401() {
    assertThat(server.api("kino_not-a-real-key-at-all").get("/v1/models").status()).isEqualTo(401);
  }

  @Test
  void every_v1_route_needs_a_key() {
    Api anonymous = server.api(null);
    assertThat(anonymous.submit(PRO, "{\"prompt\": \"p\"}").status()).isEqualTo(401);
    assertThat(anonymous.status("00000000-0000-0000-0000-000000000000").status()).isEqualTo(401);
    assertThat(anonymous.result("00000000-0000-0000-0000-000000000000").status()).isEqualTo(401);
    assertThat(anonymous.cancel("00000000-0000-0000-0000-000000000000").status()).isEqualTo(401);
    assertThat(anonymous.get("/v1/models/" + PRO).status()).isEqualTo(401);
  }

  @Test
  void the_health_check_needs_no_key() {
    assertThat(server.api(null).get("/healthz").status()).isEqualTo(200);
  }

  @Test
  void a_key_created_while_the_server_runs_works_at_once_and_stops_working_when_revoked() {
    CreatedKey created = keys.create("alice", false, Instant.now());
    Api alice = server.api(created.plaintext());
    assertThat(alice.get("/v1/models").status()).isEqualTo(200);

    keys.revoke(created.key().id(), Instant.now()); // as the CLI or another node does

    // Keys are cached for half a second (KeyCacheTest); the wait here only absorbs a slow machine.
    await().atMost(Duration.ofSeconds(30)).until(() -> alice.get("/v1/models").status() == 401);
  }

  @Test
  void a_key_sees_only_its_own_requests() {
    Api alice = server.api(keys.create("alice", false, Instant.now()).plaintext());
    Api bob = server.api(keys.create("bob", false, Instant.now()).plaintext());
    String aliceRequest = alice.submitOk(PRO, "{\"prompt\": \"alice's video\"}");

    assertThat(bob.status(aliceRequest).status()).isEqualTo(404);
    assertThat(bob.result(aliceRequest).status()).isEqualTo(404);
    assertThat(bob.cancel(aliceRequest).status()).isEqualTo(404);
    assertThat(alice.status(aliceRequest).text("status")).isEqualTo("in_queue");
  }

  @Test
  void keys_are_stored_only_as_hashes() throws Exception {
    CreatedKey created = keys.create("carol", false, Instant.now());

    byte[] database = java.nio.file.Files.readAllBytes(server.dataDir().resolve("kino.db"));
    byte[] wal =
        java.nio.file.Files.exists(server.dataDir().resolve("kino.db-wal"))
            ? java.nio.file.Files.readAllBytes(server.dataDir().resolve("kino.db-wal"))
            : new byte[0];
    String everything =
        new String(database, java.nio.charset.StandardCharsets.ISO_8859_1)
            + new String(wal, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(everything).doesNotContain(created.plaintext()).doesNotContain(TestServer.ADMIN_KEY);
  }
}
