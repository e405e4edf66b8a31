package dev.kino.dialects;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shapes of Kino's OpenAI Videos routes, pinned over plain HTTP: the video object, the list
 * page, OpenAI's error body with the parameter named, and videos read as ordinary jobs the other
 * way round. No worker runs here, so every job stays queued unless cancelled.
 */
class OpenAiVideosRoutesTest {
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
  static final String I2V = "kling/kling-3.0/standard/image-to-video";

  private TestServer server;
  private Api api;

  @BeforeEach
  void start() {
    server = TestServer.start(0);
    api = server.api();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void a_json_create_answers_a_video_object_that_is_an_ordinary_job() {
    Api.Answer created =
        api.post(
            "/openai/v1/videos",
            "{\"model\": \"kling/kling-3.0-standard-text-to-video\", \"prompt\": \"a fox\","
                + " \"seconds\": \"5\", \"size\": \"720x1280\"}");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(200);
    assertThat(created.text("object")).isEqualTo("video");
    assertThat(created.text("status")).isEqualTo("queued");
    assertThat(created.text("model")).as("the two-segment name resolves").isEqualTo(T2V);
    assertThat(created.text("seconds")).isEqualTo("5");
    assertThat(created.text("size")).isEqualTo("720x1280");
    assertThat(created.body().path("progress").asInt()).isZero();
    assertThat(created.body().path("created_at").isIntegralNumber()).isTrue();
    assertThat(created.body().path("error").isNull()).isTrue();
    String id = created.text("id");

    Api.Answer asJob = api.status(id);
    assertThat(asJob.text("status")).isEqualTo("in_queue");
    assertThat(api.result(id).body().at("/metadata/input/aspect_ratio").asString())
        .isEqualTo("9:16");
    assertThat(api.result(id).body().at("/metadata/input/duration").asInt()).isEqualTo(5);
  }

  @Test
  void a_job_made_under_v1_is_a_video_and_a_cancelled_one_a_failed_video_that_says_so() {
    String id = api.submitOk(T2V, "{\"prompt\": \"from the seed API\", \"duration\": 3}");
    Api.Answer video = api.get("/openai/v1/videos/" + id);
    assertThat(video.text("status")).isEqualTo("queued");
    assertThat(video.text("prompt")).isEqualTo("from the seed API");

    api.cancel(id);

    Api.Answer cancelled = api.get("/openai/v1/videos/" + id);
    assertThat(cancelled.text("status")).isEqualTo("failed");
    assertThat(cancelled.body().at("/error/code").asString()).isEqualTo("cancelled");
    assertThat(cancelled.body().path("completed_at").isIntegralNumber()).isTrue();
  }

  @Test
  void what_a_model_cannot_honour_is_a_400_naming_the_parameter_in_openais_shape() {
    assertRefused(
        "{\"model\": \"" + T2V + "\", \"prompt\": \"x\", \"quality\": \"hd\"}", "quality");
    assertRefused("{\"prompt\": \"x\"}", "model");
    assertRefused("{\"model\": \"nobody/nothing\", \"prompt\": \"x\"}", "model");
    assertRefused(
        "{\"model\": \"" + I2V + "\", \"prompt\": \"x\", \"size\": \"1280x720\"}", "size");
    assertRefused(
        "{\"model\": \""
            + T2V
            + "\", \"prompt\": \"x\", \"input_reference\": {\"image_url\":"
            + " \"https://example.com/a.png\"}}",
        "input_reference");
    assertRefused(
        "{\"model\": \"" + T2V + "\", \"prompt\": \"x\", \"seconds\": \"99\"}", "seconds");
    assertRefused(
        "{\"model\": \"" + T2V + "\", \"prompt\": \"x\", \"seconds\": \"four\"}", "seconds");
    assertRefused("{\"model\": \"" + T2V + "\", \"prompt\": \"x\", \"size\": \"big\"}", "size");
    assertThat(api.get("/v1/requests").body().path("requests").size())
        .as("nothing queued by a refusal")
        .isZero();
  }

  @Test
  void unknown_videos_and_missing_keys_get_openais_error_types() throws Exception {
    Api.Answer missing = api.get("/openai/v1/videos/00000000-0000-0000-0000-000000000000");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().at("/error/type").asString()).isEqualTo("not_found_error");

    HttpResponse<String> anonymous =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(api.base() + "/openai/v1/videos")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).contains("\"type\":\"authentication_error\"");

    String queued = api.submitOk(T2V, "{\"prompt\": \"still waiting\"}");
    Api.Answer early = api.delete("/openai/v1/videos/" + queued);
    assertThat(early.status()).isEqualTo(400);
    assertThat(early.body().at("/error/code").asString()).isEqualTo("video_not_finished");
    assertThat(api.get("/openai/v1/videos/" + queued + "/content").status()).isEqualTo(404);
    assertThat(
            api.get("/openai/v1/videos/" + queued + "/content?variant=spritesheet")
                .body()
                .at("/error/param")
                .asString())
        .isEqualTo("variant");
  }

  @Test
  void the_list_pages_newest_first_by_default_or_oldest_first_with_after_as_the_cursor() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(api.submitOk(T2V, "{\"prompt\": \"number " + i + "\"}"));
    }
    Api.Answer first = api.get("/openai/v1/videos?limit=2");
    assertThat(first.text("object")).isEqualTo("list");
    assertThat(first.body().path("data").get(0).path("id").asString()).isEqualTo(ids.get(4));
    assertThat(first.body().path("has_more").asBoolean()).isTrue();
    assertThat(first.text("last_id")).isEqualTo(ids.get(3));
    Api.Answer next = api.get("/openai/v1/videos?limit=2&after=" + first.text("last_id"));
    assertThat(next.text("first_id")).isEqualTo(ids.get(2));

    Api.Answer oldest = api.get("/openai/v1/videos?order=asc&limit=3");
    assertThat(oldest.text("first_id")).isEqualTo(ids.get(0));
    Api.Answer rest =
        api.get("/openai/v1/videos?order=asc&limit=3&after=" + oldest.text("last_id"));
    assertThat(rest.body().path("data").size()).isEqualTo(2);
    assertThat(rest.body().path("has_more").asBoolean()).isFalse();
    assertThat(api.get("/openai/v1/videos?order=sideways").status()).isEqualTo(400);
  }

  private void assertRefused(String body, String param) {
    Api.Answer refused = api.post("/openai/v1/videos", body);
    assertThat(refused.status()).as(body + " -> " + refused.body()).isEqualTo(400);
    assertThat(refused.body().at("/error/param").asString()).as(body).isEqualTo(param);
    assertThat(refused.body().at("/error/type").asString()).isEqualTo("invalid_request_error");
    assertThat(refused.body().at("/error/message").asString()).isNotBlank();
  }
}
