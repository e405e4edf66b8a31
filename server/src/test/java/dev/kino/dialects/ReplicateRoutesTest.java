package dev.kino.dialects;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shapes of Kino's Replicate routes over plain HTTP, with no worker (jobs stay queued): a wait
 * that ends first says starting, Token and Bearer both authenticate, refusals name their fields,
 * and jobs are read both ways.
 */
class ReplicateRoutesTest {
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
  static final String NAME = "kling/kling-3.0-standard-text-to-video";
  static final HttpClient HTTP = HttpClient.newHttpClient();

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
  void a_held_answer_that_ends_before_the_job_says_starting() throws Exception {
    HttpResponse<String> held =
        send(
            "POST",
            "/replicate/v1/models/" + NAME + "/predictions",
            "Bearer " + TestServer.ADMIN_KEY,
            "{\"input\": {\"prompt\": \"waits\", \"duration\": 3}}",
            "Prefer",
            "wait=1");
    assertThat(held.statusCode()).isEqualTo(201);
    assertThat(held.headers().firstValue("preference-applied")).hasValue("wait=1");
    JsonNode prediction = JsonMapper.shared().readTree(held.body());
    assertThat(prediction.path("status").asString()).isEqualTo("starting");
    assertThat(prediction.path("output").isNull()).isTrue();
    assertThat(prediction.path("model").asString()).isEqualTo(NAME);
    assertThat(prediction.at("/input/prompt").asString()).isEqualTo("waits");
    assertThat(prediction.path("created_at").asString()).endsWith("Z");
    assertThat(api.status(prediction.path("id").asString()).text("status")).isEqualTo("in_queue");
  }

  @Test
  void token_and_bearer_both_work_and_a_missing_key_is_refused_in_replicates_shape()
      throws Exception {
    String path = "/replicate/v1/models/" + NAME;
    assertThat(send("GET", path, "Token " + TestServer.ADMIN_KEY, null).statusCode())
        .isEqualTo(200);
    HttpResponse<String> model = send("GET", path, "Bearer " + TestServer.ADMIN_KEY, null);
    JsonNode body = JsonMapper.shared().readTree(model.body());
    assertThat(
            body.at("/latest_version/openapi_schema/components/schemas/Input/properties/prompt")
                .isObject())
        .isTrue();
    HttpResponse<String> anonymous = send("GET", path, null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(JsonMapper.shared().readTree(anonymous.body()).path("detail").asString())
        .isNotBlank();

    String version = body.at("/latest_version/id").asString();
    Api.Answer byVersion =
        api.post(
            "/replicate/v1/predictions",
            "{\"version\": \"" + version + "\", \"input\": {\"prompt\": \"v\"}}");
    assertThat(byVersion.status()).isEqualTo(201);
    assertThat(byVersion.text("version")).isEqualTo(version);
  }

  @Test
  void a_refused_input_names_its_fields_and_nothing_is_queued() {
    Api.Answer refused =
        api.post(
            "/replicate/v1/models/" + NAME + "/predictions",
            "{\"input\": {\"prompt\": \"x\", \"duration\": 99}}");
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.body().path("status").asInt()).isEqualTo(422);
    assertThat(refused.body().at("/invalid_fields/0/field").asString()).isEqualTo("duration");
    assertThat(refused.body().path("detail").asString()).contains("duration");
    assertThat(
            api.post("/replicate/v1/models/nobody/nothing/predictions", "{\"input\": {}}").status())
        .isEqualTo(404);
    assertThat(api.get("/v1/requests").body().path("requests").size()).isZero();
  }

  @Test
  void jobs_are_predictions_both_ways_and_a_cancelled_one_is_canceled() {
    String id = api.submitOk(T2V, "{\"prompt\": \"from the seed API\"}");
    Api.Answer prediction = api.get("/replicate/v1/predictions/" + id);
    assertThat(prediction.text("status")).isEqualTo("starting");
    Api.Answer canceled = api.post("/replicate/v1/predictions/" + id + "/cancel", "{}");
    assertThat(canceled.text("status")).isEqualTo("canceled");
    assertThat(api.status(id).text("status")).isEqualTo("cancelled");
    Api.Answer listed = api.get("/replicate/v1/predictions");
    assertThat(listed.body().at("/results/0/id").asString()).isEqualTo(id);
    assertThat(listed.body().path("next").isNull()).isTrue();
    assertThat(api.get("/v1/models").body().at("/models").toString())
        .contains("\"replicate_name\":\"" + NAME + "\"");
  }

  private HttpResponse<String> send(
      String method, String path, String authorization, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api.base() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
