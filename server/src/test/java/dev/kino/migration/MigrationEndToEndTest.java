package dev.kino.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import dev.kino.testing.Api;
import dev.kino.testing.Images;
import dev.kino.testing.KinoProcess;
import dev.kino.testing.LoadsTheMachine;
import dev.kino.testing.PostgresServer;
import dev.kino.testing.S3Server;
import dev.kino.testing.WebhookReceiver;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * {@code kino migrate} end to end, with real processes: an embedded install (SQLite, local files)
 * with 1,000 jobs in every state, uploads, two keys, an Idempotency-Key and webhooks waiting for a
 * retry, left by a {@code kill -9}, moved into PostgreSQL and a bucket ({@link S3Server} stands in
 * for S3) by a move that is itself killed part way and run again. The cluster then answers as the
 * install did, links issued before the move still open, and the waiting webhooks arrive once,
 * signed with the same secret.
 */
@LoadsTheMachine
class MigrationEndToEndTest {
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
  static final String PRO = "kling/kling-3.0/pro/text-to-video";
  static final Duration WAIT = Duration.ofSeconds(90);
  static final String[] COMMON = {
    "--fetch-allow", "127.0.0.1", "--webhook-retries", "0s,45s,45s,45s,45s,45s"
  };

  @Test
  void an_embedded_install_moves_to_postgresql_and_a_bucket_and_answers_the_same()
      throws Exception {
    Path install = Files.createTempDirectory("kino-install-");
    Path models = models();
    String userKey =
        created(
            KinoProcess.run("keys", "create", "--name", "user", "--data-dir", install.toString()));
    WebhookReceiver receiver = new WebhookReceiver();
    Map<String, String> jobs = new LinkedHashMap<>(); // id -> what it was made to be
    List<String> usersJobs = new ArrayList<>();
    String idempotent;
    String secretBefore;
    String userSecretBefore;
    String linkBefore;
    int triedBefore;
    try (KinoProcess embedded =
        KinoProcess.serve(install, with("--models-dir", models.toString(), "--workers", "2"))) {
      Api admin = embedded.api(dev.kino.testing.TestServer.ADMIN_KEY);
      Api user = embedded.api(userKey);
      secretBefore = admin.get("/v1/webhooks/secret").text("secret");
      userSecretBefore = user.get("/v1/webhooks/secret").text("secret");
      for (int i = 0; i < 8; i++) {
        assertThat(
                admin
                    .uploadMultipart(
                        "u" + i + ".png", Images.encode(Images.quadrants(64, 48), "png"))
                    .status())
            .isEqualTo(201);
      }
      receiver.answer(failures(1000)); // until the install is gone
      for (int i = 0; i < 600; i++) {
        String body =
            i < 10
                ? "{\"prompt\": \"p" + i + "\", \"webhook_url\": \"" + receiver.url("/hook") + "\"}"
                : "{\"prompt\": \"p" + i + "\"}";
        Api owner = i % 2 == 0 ? admin : user;
        String id = owner.submitOk("test/noop", body);
        jobs.put(id, "completed");
        if (owner == user) {
          usersJobs.add(id);
        }
      }
      idempotent =
          admin
              .postWithHeaders(
                  "/v1/models/test/noop", "{\"prompt\": \"once\"}", "Idempotency-Key", "move-me")
              .text("request_id");
      jobs.put(idempotent, "completed");
      for (int i = 0; i < 150; i++) {
        jobs.put(admin.submitOk("test/noop-video", "{\"prompt\": \"f" + i + "\"}"), "failed");
      }
      List<String> small = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        small.add(user.submitOk("test/small", "{\"prompt\": \"s" + i + "\", \"duration\": 3}"));
        jobs.put(small.getLast(), "completed");
        usersJobs.add(small.getLast());
      }
      for (Map.Entry<String, String> job : jobs.entrySet()) {
        Api owner = usersJobs.contains(job.getKey()) ? user : admin;
        JsonNode ended = owner.awaitState(job.getKey(), WAIT, "completed", "failed", "cancelled");
        assertThat(ended.path("status").asString()).as(ended.toString()).isEqualTo(job.getValue());
      }
      linkBefore = user.result(small.getLast()).body().at("/output/video").asString();
      List<String> slow = new ArrayList<>();
      for (int i = 0; i < 209; i++) {
        slow.add(admin.submitOk("test/slow", "{\"prompt\": \"slow" + i + "\", \"duration\": 15}"));
      }
      for (String id : slow.subList(109, 209)) {
        assertThat(admin.cancel(id).status()).isEqualTo(200);
        jobs.put(id, "cancelled");
      }
      slow.subList(0, 109).forEach(id -> jobs.put(id, "in_queue or in_progress"));
      await()
          .atMost(WAIT)
          .until(() -> admin.status(slow.get(1)).text("status").equals("in_progress"));
      await().atMost(WAIT).until(() -> receiver.calls("/hook").size() >= 10);
      embedded.kill9(); // mid-render, with webhooks waiting for their retry
      triedBefore = receiver.calls("/hook").size();
      receiver.forget();
    }
    assertThat(jobs).hasSize(1000);
    assertThat(jobs.values())
        .contains("completed", "failed", "cancelled", "in_queue or in_progress");

    String database = PostgresServer.shared().newDatabase();
    URI bucket = S3Server.shared().newBucket();
    Map<String, String> aws = S3Server.shared().environment();
    String[] migrate = {
      "migrate", "--from", install.toString(), "--to", database, "--storage", bucket.toString()
    };
    KinoProcess first = KinoProcess.launch(aws, migrate);
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> first.output().contains("files: 25/"));
    first.kill9();
    KinoProcess.Result interrupted = first.await(WAIT);
    assertThat(interrupted.stdout()).as("killed before it finished").doesNotContain("Moved");

    KinoProcess.Result resumed = KinoProcess.runWith(aws, migrate);

    assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
    assertThat(resumed.stderr()).contains("Resuming the move");
    assertThat(resumed.stdout()).contains("Moved and checked: ").contains("1000 jobs");
    KinoProcess.Result refused =
        KinoProcess.run("serve", "--data-dir", install.toString(), "--port", "0");
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.stderr()).contains("was moved to").contains("--database");

    Map<String, String> cluster = new HashMap<>(aws);
    Path node = Files.createTempDirectory("kino-cluster-node-");
    Map<String, JsonNode> after;
    try (KinoProcess api =
        KinoProcess.serveWith(
            cluster,
            node,
            with(
                "--database",
                database,
                "--storage",
                bucket.toString(),
                "--models-dir",
                models.toString(),
                "--no-workers"))) {
      Api admin = api.api(dev.kino.testing.TestServer.ADMIN_KEY);
      assertThat(admin.get("/v1/webhooks/secret").text("secret")).isEqualTo(secretBefore);
      assertThat(api.api(userKey).get("/v1/webhooks/secret").text("secret"))
          .isEqualTo(userSecretBefore);
      await().atMost(WAIT).until(() -> receiver.calls("/hook").size() >= triedBefore + 10);
      Webhook adminVerifier = new Webhook(secretBefore);
      Webhook userVerifier = new Webhook(userSecretBefore);
      for (WebhookReceiver.Call call :
          receiver.calls("/hook").subList(triedBefore, triedBefore + 10)) {
        boolean users =
            usersJobs.contains(
                JsonMapper.shared().readTree(call.body()).at("/data/request_id").asString());
        (users ? userVerifier : adminVerifier).verify(call.body(), call.headers());
      }
      String rebased = api.api(null).base() + linkBefore.substring(linkBefore.indexOf("/files/"));
      var redirect = Api.download(rebased, null);
      assertThat(redirect.statusCode())
          .as("a link the install signed opens on the cluster (sent on to the bucket)")
          .isEqualTo(302);
      String key = linkBefore.substring(linkBefore.indexOf("/files/") + 7, linkBefore.indexOf('?'));
      assertThat(Api.download(redirect.headers().firstValue("Location").orElseThrow(), null).body())
          .isEqualTo(Files.readAllBytes(install.resolve("files").resolve(key)));
      Api replay = admin;
      assertThat(
              replay
                  .postWithHeaders(
                      "/v1/models/test/noop",
                      "{\"prompt\": \"once\"}",
                      "Idempotency-Key",
                      "move-me")
                  .text("request_id"))
          .isEqualTo(idempotent);
      after = answers(admin, api.api(userKey), jobs.keySet(), usersJobs);
    }
    List<WebhookReceiver.Call> calls = receiver.calls("/hook");
    Map<String, Long> deliveredAfter =
        calls.subList(triedBefore, calls.size()).stream()
            .collect(Collectors.groupingBy(c -> c.header("webhook-id"), Collectors.counting()));
    assertThat(deliveredAfter)
        .as("each waiting webhook delivered once after the move")
        .hasSize(10)
        .allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
    assertThat(calls.subList(0, triedBefore).stream().map(c -> c.header("webhook-id")).distinct())
        .as("the same messages as were tried before it")
        .containsExactlyInAnyOrderElementsOf(deliveredAfter.keySet());
    receiver.close(); // the old install, started below to read it, retries into a closed port

    // To read the old install as it was, the test lifts the guard the move left there.
    Files.delete(install.resolve(MovedMarker.FILE));
    try (KinoProcess old =
        KinoProcess.serve(install, with("--models-dir", models.toString(), "--workers", "0"))) {
      Map<String, JsonNode> before =
          answers(
              old.api(dev.kino.testing.TestServer.ADMIN_KEY),
              old.api(userKey),
              jobs.keySet(),
              usersJobs);
      assertThat(after.keySet()).isEqualTo(before.keySet());
      for (String what : before.keySet()) {
        assertThat(after.get(what)).as(what).isEqualTo(before.get(what));
      }
    }
  }

  @Test
  void a_running_install_and_a_target_that_is_not_empty_are_refused_with_nothing_copied()
      throws Exception {
    Path install = Files.createTempDirectory("kino-install-");
    String database = PostgresServer.shared().newDatabase();
    try (KinoProcess running = KinoProcess.serve(install, "--workers", "0")) {
      KinoProcess.Result refused =
          KinoProcess.run("migrate", "--from", install.toString(), "--to", database);

      assertThat(refused.exitCode()).isEqualTo(2);
      assertThat(refused.stderr())
          .contains("Kino is running on " + install)
          .contains("stop it first");
    }
    KinoProcess.serve(
            Files.createTempDirectory("kino-node-"), "--database", database, "--workers", "0")
        .close(); // a node tried on the target makes its admin key and signing keys there

    KinoProcess.Result refused =
        KinoProcess.run("migrate", "--from", install.toString(), "--to", database);

    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.stderr())
        .contains("is not empty (shared_secrets: 2)")
        .contains("create a fresh one");
    assertThat(install.resolve(MovedMarker.FILE)).doesNotExist();
    assertThat(
            KinoProcess.serve(install, "--workers", "0")
                .api(dev.kino.testing.TestServer.ADMIN_KEY)
                .get("/v1/requests")
                .status())
        .as("the install still starts embedded")
        .isEqualTo(200);
  }

  /** Every answer a client could ask for about the jobs, links replaced by a placeholder. */
  private static Map<String, JsonNode> answers(
      Api admin, Api user, Iterable<String> ids, List<String> usersJobs) {
    Map<String, JsonNode> answers = new LinkedHashMap<>();
    for (String id : ids) {
      Api owner = usersJobs.contains(id) ? user : admin;
      answers.put(id + " status", answer(owner.get("/v1/requests/" + id + "/status?logs=1")));
      answers.put(id + " result", answer(owner.result(id)));
    }
    for (Api key : List.of(admin, user)) {
      String path = "/v1/requests?limit=100";
      for (int page = 0; page < 12 && path != null; page++) {
        Api.Answer listed = key.get(path);
        answers.put(key.key().substring(0, 8) + " " + path, answer(listed));
        String next = listed.body().path("next_cursor").asString("");
        path = next.isEmpty() ? null : "/v1/requests?limit=100&cursor=" + next;
      }
      answers.put(key.key().substring(0, 8) + " files", answer(key.get("/v1/files")));
    }
    return answers;
  }

  private static JsonNode answer(Api.Answer answer) {
    ObjectNode whole = tools.jackson.databind.json.JsonMapper.shared().createObjectNode();
    whole.put("http_status", answer.status());
    whole.set("body", withoutLinks(answer.body()));
    return whole;
  }

  private static JsonNode withoutLinks(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isString() && node.asString().startsWith("http")) {
      return StringNode.valueOf("<link>");
    }
    if (node instanceof ObjectNode object) {
      ObjectNode copy = object.deepCopy();
      object.properties().forEach(e -> copy.set(e.getKey(), withoutLinks(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      var copy = tools.jackson.databind.json.JsonMapper.shared().createArrayNode();
      node.forEach(n -> copy.add(withoutLinks(n)));
      return copy;
    }
    return node;
  }

  private static WebhookReceiver.Reply[] failures(int n) {
    WebhookReceiver.Reply[] replies = new WebhookReceiver.Reply[n];
    java.util.Arrays.fill(replies, WebhookReceiver.Reply.of(500));
    return replies;
  }

  private static String created(KinoProcess.Result result) {
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    return result.stdout().strip();
  }

  private static String[] with(String... flags) {
    String[] all = new String[COMMON.length + flags.length];
    System.arraycopy(COMMON, 0, all, 0, COMMON.length);
    System.arraycopy(flags, 0, all, COMMON.length, flags.length);
    return all;
  }

  /**
   * Models that end at once (completed, or failed for want of a video), render small, or slowly.
   */
  private static Path models() throws Exception {
    Path dir = Files.createTempDirectory("kino-migrate-models-");
    Files.createDirectories(dir.resolve("test"));
    Files.writeString(
        dir.resolve("test/noop.json"),
        "{\"id\": \"test/noop\", \"based_on\": \""
            + T2V
            + "\", \"engine\": {\"type\": \"noop\"}, \"output_schema\": {}}");
    Files.writeString(
        dir.resolve("test/noop-video.json"),
        "{\"id\": \"test/noop-video\", \"based_on\": \""
            + T2V
            + "\", \"engine\": {\"type\": \"noop\"}}");
    Files.writeString(
        dir.resolve("test/small.json"),
        "{\"id\": \"test/small\", \"based_on\": \""
            + T2V
            + "\", \"engine\": {\"type\": \"sandbox\", \"settings\": {\"tier\": \"standard\", \"short_side\": 72}}}");
    Files.writeString(
        dir.resolve("test/slow.json"),
        "{\"id\": \"test/slow\", \"based_on\": \""
            + PRO
            + "\", \"engine\": {\"type\": \"sandbox\", \"settings\": {\"tier\": \"pro\"}}}");
    return dir;
  }
}
