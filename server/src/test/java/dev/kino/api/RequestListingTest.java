package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/requests} (the caller's requests, newest first, by cursor) and {@code DELETE
 * /v1/requests/{id}}.
 */
class RequestListingTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String PRO = "kling/kling-3.0/pro/text-to-video";
  static final String CLIP =
      "{\"prompt\": \"p\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}";

  @Test
  void pages_walk_every_request_newest_first_exactly_once() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      List<String> submitted = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        submitted.add(api.submitOk(STD, CLIP));
      }

      List<String> listed = new ArrayList<>();
      String cursor = "";
      int pages = 0;
      do {
        JsonNode page =
            api.get("/v1/requests?limit=3" + (cursor.isEmpty() ? "" : "&cursor=" + cursor)).body();
        page.path("requests").forEach(r -> listed.add(r.path("request_id").asString()));
        cursor = page.path("next_cursor").isNull() ? "" : page.path("next_cursor").asString();
        pages++;
      } while (!cursor.isEmpty());

      assertThat(pages).isEqualTo(3);
      assertThat(listed).containsExactlyElementsOf(submitted.reversed());
      JsonNode first = api.get("/v1/requests?limit=1").body().path("requests").get(0);
      assertThat(first.path("status").asString()).isEqualTo("in_queue");
      assertThat(first.path("model_id").asString()).isEqualTo(STD);
      assertThat(first.path("status_url").asString())
          .endsWith("/v1/requests/" + submitted.getLast() + "/status");
    }
  }

  @Test
  void filters_by_status_and_model_and_shows_only_the_callers_own_requests() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      String a = api.submitOk(STD, CLIP);
      String b = api.submitOk(PRO, CLIP);
      String c = api.submitOk(STD, CLIP);
      api.cancel(c);
      Api bob = server.apiForNewKey("bob");
      bob.submitOk(STD, CLIP);

      assertThat(ids(api.get("/v1/requests?status=in_queue"))).containsExactly(b, a);
      assertThat(ids(api.get("/v1/requests?status=cancelled"))).containsExactly(c);
      assertThat(ids(api.get("/v1/requests?model=" + PRO))).containsExactly(b);
      assertThat(ids(api.get("/v1/requests?model=" + STD + "&status=in_queue"))).containsExactly(a);
      assertThat(ids(bob.get("/v1/requests"))).hasSize(1).doesNotContain(a, b, c);
    }
  }

  @Test
  void bad_filters_and_cursors_are_400s_naming_the_parameter() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      for (String[] c :
          new String[][] {
            {"status=done", "status"},
            {"cursor=not-a-cursor", "cursor"},
            {"limit=0", "limit"},
            {"limit=101", "limit"}
          }) {
        Api.Answer answer = api.get("/v1/requests?" + c[0]);
        assertThat(answer.status()).as(c[0]).isEqualTo(400);
        assertThat(answer.body().at("/detail/reason").asString()).isEqualTo("invalid_parameter");
        assertThat(answer.body().at("/detail/errors/0/path").asString()).isEqualTo(c[1]);
      }
    }
  }

  @Test
  void delete_removes_a_finished_requests_outputs_and_keeps_its_record() {
    try (TestServer server = TestServer.start(1)) {
      Api api = server.api();
      String id = api.submitOk(STD, CLIP);
      api.awaitState(id, Duration.ofSeconds(60), "completed");
      String video = api.result(id).body().path("output").path("video").asString();
      assertThat(Api.download(video, null).statusCode()).isEqualTo(200);

      Api.Answer deleted = api.delete("/v1/requests/" + id);

      assertThat(deleted.status()).isEqualTo(200);
      assertThat(deleted.body().path("deleted_files").asInt())
          .isEqualTo(2); // video.mp4 and poster.jpg
      assertThat(Api.download(video, null).statusCode()).isEqualTo(404);
      JsonNode result = api.result(id).body();
      assertThat(result.path("status").asString()).isEqualTo("completed");
      assertThat(result.path("output").isNull()).isTrue();
      assertThat(result.path("outputs_deleted_at").asString()).isNotBlank();
      assertThat(api.delete("/v1/requests/" + id).body().path("deleted_files").asInt())
          .as("deleting again is harmless")
          .isZero();
    }
  }

  @Test
  void delete_refuses_an_unfinished_request_and_others_requests() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      String id = api.submitOk(STD, CLIP);

      Api.Answer refused = api.delete("/v1/requests/" + id);
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.body().at("/detail/reason").asString()).isEqualTo("request_not_finished");
      assertThat(server.apiForNewKey("bob").delete("/v1/requests/" + id).status()).isEqualTo(404);
      assertThat(api.status(id).text("status")).isEqualTo("in_queue");
    }
  }

  private static List<String> ids(Api.Answer answer) {
    assertThat(answer.status()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    answer.body().path("requests").forEach(r -> ids.add(r.path("request_id").asString()));
    return ids;
  }
}
