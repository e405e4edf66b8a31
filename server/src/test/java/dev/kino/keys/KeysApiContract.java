package dev.kino.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kino.config.Settings;
import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Keys over the API and the limits they carry, end to end over HTTP, the same on SQLite ({@link
 * SqliteKeysApiTest}) and PostgreSQL ({@link PostgresKeysApiTest}).
 */
abstract class KeysApiContract {
  static final String STANDARD = "kling/kling-3.0/standard/text-to-video";
  static final String PRO = "kling/kling-3.0/pro/text-to-video";

  private final List<TestServer> servers = new ArrayList<>();

  /** The database part of the settings: none for SQLite, a fresh database for PostgreSQL. */
  abstract Settings onDatabase(Settings settings);

  TestServer server(UnaryOperator<Settings> customise) {
    TestServer server = TestServer.start(s -> customise.apply(onDatabase(s)));
    servers.add(server);
    return server;
  }

  @AfterEach
  void stop() {
    servers.forEach(TestServer::close);
  }

  @Test
  void an_admin_makes_lists_changes_and_revokes_keys_and_the_secret_is_shown_once() {
    TestServer server = server(s -> s.withWorkers(0));
    Api admin = server.api();
    Api.Answer made =
        admin.post(
            "/v1/keys",
            "{\"name\": \"render farm\", \"limits\": {\"max_running\": 2, \"max_queued\": 50},"
                + " \"models\": [\"kling/*\"], \"expires_at\": \"2099-01-01T00:00:00Z\"}");
    assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
    String id = made.text("id");
    String secret = made.text("secret");
    assertThat(secret).startsWith("kino_");
    assertThat(made.body().path("admin").asBoolean()).isFalse();
    assertThat(made.body().path("state").asString()).isEqualTo("active");
    assertThat(made.body().path("limits").path("max_running").asInt()).isEqualTo(2);
    assertThat(made.body().path("limits").path("submits_per_minute").isNull()).isTrue();
    assertThat(made.body().path("models").get(0).asString()).isEqualTo("kling/*");
    assertThat(made.text("expires_at")).isEqualTo("2099-01-01T00:00:00Z");

    Api user = server.api(secret);
    assertThat(user.get("/v1/models").status()).isEqualTo(200);
    String polled = user.submitOk(STANDARD, "{\"prompt\": \"polled\"}");
    assertThat(user.status(polled).status()).isEqualTo(200);
    assertThat(user.status(polled).status()).as("a poll answered from memory").isEqualTo(200);
    JsonNode listed = admin.get("/v1/keys").body();
    assertThat(listed.toString()).contains(id).doesNotContain(secret);
    assertThat(admin.get("/v1/keys/" + id).text("name")).isEqualTo("render farm");

    Api.Answer changed =
        admin.patch("/v1/keys/" + id, "{\"name\": \"farm\", \"limits\": {\"max_queued\": null}}");
    assertThat(changed.status()).as(changed.body().toString()).isEqualTo(200);
    assertThat(changed.text("name")).isEqualTo("farm");
    assertThat(changed.body().path("limits").path("max_running").asInt())
        .as("a limit the change leaves out stays")
        .isEqualTo(2);
    assertThat(changed.body().path("limits").path("max_queued").isNull()).isTrue();

    Api.Answer revoked = admin.delete("/v1/keys/" + id);
    assertThat(revoked.text("state")).isEqualTo("revoked");
    assertThat(user.get("/v1/models").status())
        .as("at once on the node that revoked it")
        .isEqualTo(401);
    assertThat(user.status(polled).status()).as("its status polls too").isEqualTo(401);
    assertThat(admin.get("/v1/keys/key_nonexistent").status()).isEqualTo(404);
  }

  @Test
  void a_user_key_cannot_manage_keys_but_sees_its_own_limits_and_use() {
    TestServer server = server(s -> s.withWorkers(0).withKeyDefaults(limits(3, 10, null)));
    Api admin = server.api();
    String secret =
        admin
            .post("/v1/keys", "{\"name\": \"app\", \"limits\": {\"max_queued\": 4}}")
            .text("secret");
    Api user = server.api(secret);

    for (Api.Answer refused :
        List.of(
            user.post("/v1/keys", "{\"name\": \"mine\"}"),
            user.get("/v1/keys"),
            user.get("/v1/keys/key_x"),
            user.patch("/v1/keys/key_x", "{\"name\": \"x\"}"),
            user.delete("/v1/keys/key_x"))) {
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.body().path("error_code").asInt()).isEqualTo(403001);
    }
    user.submitOk(STANDARD, "{\"prompt\": \"one\"}");

    JsonNode self = user.get("/v1/keys/self").body();
    assertThat(self.path("name").asString()).isEqualTo("app");
    assertThat(self.path("effective_limits").path("max_queued").asInt())
        .as("its own limit")
        .isEqualTo(4);
    assertThat(self.path("effective_limits").path("max_running").asInt())
        .as("the server's default, which it does not set")
        .isEqualTo(3);
    assertThat(self.path("usage").path("queued").asInt()).isEqualTo(1);
    assertThat(admin.get("/v1/keys/self").body().path("admin").asBoolean()).isTrue();
  }

  @Test
  void a_key_stops_working_when_it_expires() {
    TestServer server = server(s -> s.withWorkers(0));
    Instant soon = Instant.now().plusSeconds(2);
    Api.Answer made =
        server.api().post("/v1/keys", "{\"name\": \"short\", \"expires_at\": \"" + soon + "\"}");
    Api user = server.api(made.text("secret"));
    assertThat(user.get("/v1/models").status()).isEqualTo(200);

    await().atMost(Duration.ofSeconds(10)).until(() -> user.get("/v1/models").status() == 401);
    assertThat(user.get("/v1/models").body().path("error_message").asString()).contains("expired");
    assertThat(server.api().get("/v1/keys/" + made.text("id")).text("state")).isEqualTo("expired");
  }

  @Test
  void a_key_body_with_mistakes_is_refused_with_every_field_named() {
    TestServer server = server(s -> s.withWorkers(0));
    Api.Answer refused =
        server
            .api()
            .post(
                "/v1/keys",
                "{\"limits\": {\"max_running\": -1, \"speed\": 3}, \"models\": [\"\"],"
                    + " \"expires_at\": \"yesterday\", \"colour\": \"red\"}");

    assertThat(refused.status()).isEqualTo(422);
    List<String> paths = new ArrayList<>();
    refused.body().path("detail").path("errors").forEach(e -> paths.add(e.path("path").asString()));
    assertThat(paths)
        .containsExactlyInAnyOrder(
            "colour", "name", "limits.max_running", "limits.speed", "models[0]", "expires_at");
    assertThat(server.api().get("/v1/keys").body().path("total").asInt())
        .as("nothing made")
        .isZero();
  }

  @Test
  void a_key_limited_to_some_models_sees_only_those_and_is_refused_the_rest() {
    TestServer server = server(s -> s.withWorkers(0));
    String secret =
        server
            .api()
            .post("/v1/keys", "{\"name\": \"std\", \"models\": [\"kling/kling-3.0/standard/*\"]}")
            .text("secret");
    Api user = server.api(secret);

    List<String> ids = new ArrayList<>();
    user.get("/v1/models").body().path("models").forEach(m -> ids.add(m.path("id").asString()));
    assertThat(ids).isNotEmpty().allMatch(id -> id.startsWith("kling/kling-3.0/standard/"));
    user.submitOk(STANDARD, "{\"prompt\": \"allowed\"}");

    Api.Answer refused = user.submit(PRO, "{\"prompt\": \"not allowed\"}");
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.body().path("error_code").asInt()).isEqualTo(403001);
    assertThat(refused.body().path("error_message").asString())
        .contains("kling/kling-3.0/standard/*");
    assertThat(user.get("/v1/models/" + PRO).status()).isEqualTo(403);
  }

  @Test
  void a_submit_past_max_queued_is_refused_with_429_naming_the_limit() {
    TestServer server = server(s -> s.withWorkers(0));
    Api user = userWith(server, "{\"max_queued\": 2}");
    user.submitOk(STANDARD, "{\"prompt\": \"1\"}");
    user.submitOk(STANDARD, "{\"prompt\": \"2\"}");

    Api.Answer refused = user.submit(STANDARD, "{\"prompt\": \"3\"}");

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.raw().headers().firstValue("Retry-After")).isPresent();
    assertThat(refused.body().path("detail").path("limit").asString()).isEqualTo("max_queued");
    assertThat(refused.body().path("detail").path("value").asInt()).isEqualTo(2);
    assertThat(refused.body().path("error_message").asString()).contains("max_queued 2");
    assertThat(user.get("/v1/keys/self").body().path("usage").path("queued").asInt()).isEqualTo(2);
  }

  @Test
  void submits_beyond_submits_per_minute_get_429_with_retry_after() {
    TestServer server = server(s -> s.withWorkers(0));
    Api user = userWith(server, "{\"submits_per_minute\": 3}");
    for (int i = 0; i < 3; i++) {
      user.submitOk(STANDARD, "{\"prompt\": \"p" + i + "\"}");
    }

    Api.Answer refused = user.submit(STANDARD, "{\"prompt\": \"one too many\"}");

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.body().path("detail").path("limit").asString())
        .isEqualTo("submits_per_minute");
    long retryAfter =
        Long.parseLong(refused.raw().headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(1L, 20L);
    assertThat(server.api().submit(STANDARD, "{\"prompt\": \"another key\"}").status())
        .as("other keys are not held back")
        .isEqualTo(200);
  }

  @Test
  void parallel_submits_of_one_key_never_pass_max_queued_together() throws Exception {
    TestServer server = server(s -> s.withWorkers(0));
    Api user = userWith(server, "{\"max_queued\": 10}");
    List<Integer> statuses = parallelSubmits(user, 50, n -> "{\"prompt\": \"p" + n + "\"}");

    assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(10);
    assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(40);
  }

  @Test
  void a_key_never_has_more_jobs_running_than_its_max_running_with_more_workers() {
    TestServer server = server(s -> s.withWorkers(4));
    Api user = userWith(server, "{\"max_running\": 2}");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(user.submitOk(STANDARD, "{\"prompt\": \"p" + i + "\", \"duration\": 3}"));
    }
    String other = server.api().submitOk(STANDARD, "{\"prompt\": \"admin's\", \"duration\": 3}");

    List<Instant[]> runs = new ArrayList<>();
    for (String id : ids) {
      JsonNode done = user.awaitState(id, Duration.ofMinutes(3), "completed", "failed");
      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      JsonNode status = user.status(id).body();
      runs.add(
          new Instant[] {
            Instant.parse(status.path("started_at").asString()),
            Instant.parse(status.path("finished_at").asString())
          });
    }
    assertThat(
            server
                .api()
                .awaitState(other, Duration.ofMinutes(3), "completed")
                .path("status")
                .asString())
        .isEqualTo("completed");
    assertThat(mostAtOnce(runs)).as("the key's jobs running at once").isEqualTo(2);
  }

  @Test
  void the_estimate_equals_what_a_sandbox_job_is_charged_and_usage_adds_up_by_model_key_and_day() {
    TestServer server = server(s -> s.withWorkers(2));
    Api alice = userWith(server, "{}");
    Api bob = userWith(server, "{}");
    String quiet =
        "{\"prompt\": \"quiet\", \"duration\": 5, \"sound\": false, \"aspect_ratio\": \"1:1\"}";
    String loud =
        "{\"prompt\": \"loud\", \"duration\": 4, \"sound\": true, \"aspect_ratio\": \"1:1\"}";

    Api.Answer estimate = alice.post("/v1/models/" + STANDARD + "/estimate", quiet);
    assertThat(estimate.status()).as(estimate.body().toString()).isEqualTo(200);
    assertThat(estimate.body().path("cost_usd").decimalValue()).isEqualByComparingTo("0.42");
    assertThat(estimate.body().path("units").path("video_seconds").asDouble()).isEqualTo(5.0);
    assertThat(
            alice
                .post("/v1/models/" + STANDARD + "/estimate", loud)
                .body()
                .path("cost_usd")
                .decimalValue())
        .as("with audio: 0.126 a second")
        .isEqualByComparingTo("0.504");
    assertThat(alice.post("/v1/models/" + STANDARD + "/estimate", "{\"duration\": 99}").status())
        .as("checked as a submit is")
        .isEqualTo(422);
    assertThat(alice.get("/v1/keys/self").body().path("usage").path("queued").asInt())
        .as("nothing queued by an estimate")
        .isZero();

    String a1 = alice.submitOk(STANDARD, quiet);
    String a2 = alice.submitOk(STANDARD, loud);
    String b1 = bob.submitOk(PRO, quiet);
    for (String id : List.of(a1, a2)) {
      alice.awaitState(id, Duration.ofMinutes(2), "completed");
    }
    bob.awaitState(b1, Duration.ofMinutes(2), "completed");
    JsonNode usage = alice.result(a1).body().path("metadata").path("usage");
    assertThat(usage.path("cost_usd").decimalValue())
        .as(usage.toString())
        .isEqualByComparingTo("0.42");
    assertThat(usage.path("video_seconds").asDouble()).isEqualTo(5.0);
    assertThat(usage.path("run_seconds").asDouble()).isPositive();

    JsonNode mine = alice.get("/v1/usage?group_by=model").body();
    assertThat(mine.path("usage")).hasSize(1);
    assertThat(mine.path("usage").get(0).path("jobs").asLong()).isEqualTo(2);
    assertThat(mine.path("usage").get(0).path("video_seconds").asDouble()).isEqualTo(9.0);
    assertThat(mine.path("total_cost_usd").decimalValue()).isEqualByComparingTo("0.924");
    assertThat(alice.get("/v1/usage?key_id=someone_else").status()).isEqualTo(403);

    JsonNode everyone = server.api().get("/v1/usage?group_by=key").body();
    assertThat(everyone.path("usage")).hasSize(2);
    assertThat(everyone.path("total_cost_usd").decimalValue())
        .as("bob's pro job: 5 s at 0.112")
        .isEqualByComparingTo("1.484");
    JsonNode today = server.api().get("/v1/usage?group_by=day").body();
    assertThat(today.path("usage").get(0).path("day").asString())
        .isEqualTo(Instant.now().toString().substring(0, 10));

    var csv = server.api().getBytes("/v1/usage?group_by=model&format=csv");
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    List<String> lines =
        new String(csv.body(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.getFirst())
        .isEqualTo("model,jobs,completed,video_seconds,run_seconds,cost_usd");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1).split(",")).hasSize(6);
    assertThat(new java.math.BigDecimal(lines.get(1).split(",")[5])).isEqualByComparingTo("0.56");
  }

  @Test
  void failed_and_cancelled_jobs_cost_nothing() {
    TestServer server = server(s -> s.withWorkers(0));
    Api user = userWith(server, "{}");
    String id = user.submitOk(STANDARD, "{\"prompt\": \"never runs\"}");
    assertThat(user.cancel(id).status()).isEqualTo(200);

    JsonNode usage = user.get("/v1/usage").body();
    assertThat(usage.path("usage").get(0).path("jobs").asLong()).isEqualTo(1);
    assertThat(usage.path("usage").get(0).path("completed").asLong()).isZero();
    assertThat(usage.path("total_cost_usd").decimalValue()).isEqualByComparingTo("0");
  }

  @Test
  void a_submit_past_the_budget_is_refused_with_402_and_what_is_left_and_a_cancel_gives_it_back() {
    TestServer server = server(s -> s.withWorkers(0));
    Api user = userWith(server, "{\"budget_usd\": 0.5}");
    String quiet = "{\"prompt\": \"q\", \"duration\": 5, \"sound\": false}";
    String first = user.submitOk(STANDARD, quiet);

    Api.Answer refused = user.submit(STANDARD, quiet);

    assertThat(refused.status()).as(refused.body().toString()).isEqualTo(402);
    assertThat(refused.body().path("error_code").asInt()).isEqualTo(400002);
    JsonNode detail = refused.body().path("detail");
    assertThat(detail.path("limit").asString()).isEqualTo("budget_usd");
    assertThat(detail.path("left_usd").decimalValue()).isEqualByComparingTo("0.08");
    assertThat(detail.path("estimate_usd").decimalValue()).isEqualByComparingTo("0.42");
    JsonNode budget = user.get("/v1/keys/self").body().path("usage").path("budget");
    assertThat(budget.path("reserved_usd").decimalValue()).isEqualByComparingTo("0.42");
    assertThat(budget.path("left_usd").decimalValue()).isEqualByComparingTo("0.08");
    assertThat(user.get("/v1/keys/self").body().path("usage").path("queued").asInt())
        .as("nothing queued by the refused submit")
        .isEqualTo(1);

    user.cancel(first);
    assertThat(user.submit(STANDARD, quiet).status())
        .as("a cancelled job costs nothing, so its reservation is free again")
        .isEqualTo(200);
  }

  @Test
  void fifty_parallel_submits_from_a_key_whose_budget_covers_ten_queue_exactly_ten()
      throws Exception {
    TestServer server = server(s -> s.withWorkers(0));
    Api user = userWith(server, "{\"budget_usd\": 4.2, \"budget_period\": \"month\"}");
    List<Integer> statuses =
        parallelSubmits(
            user, 50, n -> "{\"prompt\": \"p" + n + "\", \"duration\": 5, \"sound\": false}");

    assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(10);
    assertThat(statuses.stream().filter(s -> s == 402).count()).isEqualTo(40);
  }

  /** The statuses of {@code count} submits sent at once, 16 at a time, body {@code n} for each. */
  private static List<Integer> parallelSubmits(Api user, int count, IntFunction<String> body)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Integer>> tries = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int n = i;
        tries.add(pool.submit(() -> user.submit(STANDARD, body.apply(n)).status()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> t : tries) {
        statuses.add(t.get());
      }
      return statuses;
    } finally {
      pool.shutdownNow();
    }
  }

  private static int mostAtOnce(List<Instant[]> runs) {
    int most = 0;
    for (Instant[] run : runs) {
      int overlapping = 0;
      for (Instant[] other : runs) {
        if (!other[0].isAfter(run[0]) && other[1].isAfter(run[0])) {
          overlapping++;
        }
      }
      most = Math.max(most, overlapping);
    }
    return most;
  }

  private static Api userWith(TestServer server, String limits) {
    Api.Answer made =
        server.api().post("/v1/keys", "{\"name\": \"user\", \"limits\": " + limits + "}");
    assertThat(made.status()).as(made.body().toString()).isEqualTo(201);
    return server.api(made.text("secret"));
  }

  private static KeyLimits limits(Integer running, Integer queued, Integer perMinute) {
    return new KeyLimits(of(running), of(queued), of(perMinute));
  }

  private static OptionalInt of(Integer value) {
    return value == null ? OptionalInt.empty() : OptionalInt.of(value);
  }
}
