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
 * The shapes of Kino's fal queue over plain HTTP, with no worker (jobs stay queued): the queue's
 * own paths with {@code Key} auth, the proxy convention and what it refuses, cancel, fal's
 * validation body, and one job read in every dialect.
 */
class FalQueueRoutesTest {
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
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
  void a_request_queued_in_fals_shape_is_one_job_in_every_dialect() throws Exception {
    HttpResponse<String> submitted =
        send("POST", "/fal/queue/" + T2V, "{\"prompt\": \"everywhere\", \"duration\": 3}", null);
    assertThat(submitted.statusCode()).isEqualTo(200);
    JsonNode body = json(submitted);
    String id = body.path("request_id").asString();
    assertThat(body.path("status").asString()).isEqualTo("IN_QUEUE");
    assertThat(body.path("status_url").asString())
        .endsWith("/fal/queue/kling/kling-3.0/requests/" + id + "/status");
    assertThat(submitted.headers().firstValue("x-fal-request-id")).hasValue(id);

    JsonNode status =
        json(
            send(
                "GET", "/fal/queue/kling/kling-3.0/requests/" + id + "/status?logs=1", null, null));
    assertThat(status.path("queue_position").asInt()).isZero();
    assertThat(status.path("logs").isArray()).isTrue();
    assertThat(send("GET", "/fal/queue/kling/kling-3.0/requests/" + id, null, null).statusCode())
        .as("no result before it completes")
        .isEqualTo(400);

    assertThat(api.status(id).text("status")).isEqualTo("in_queue");
    assertThat(api.get("/openai/v1/videos/" + id).text("status")).isEqualTo("queued");
    assertThat(api.get("/replicate/v1/predictions/" + id).text("status")).isEqualTo("starting");

    HttpResponse<String> cancel =
        send("PUT", "/fal/queue/kling/kling-3.0/requests/" + id + "/cancel", null, null);
    assertThat(cancel.statusCode()).isEqualTo(202);
    assertThat(json(cancel).path("status").asString()).isEqualTo("CANCELLATION_REQUESTED");
    assertThat(
            json(send("GET", "/fal/queue/kling/kling-3.0/requests/" + id + "/status", null, null))
                .path("status")
                .asString())
        .isEqualTo("COMPLETED");
    assertThat(
            send("PUT", "/fal/queue/kling/kling-3.0/requests/" + id + "/cancel", null, null)
                .statusCode())
        .isEqualTo(400);
    assertThat(api.get("/replicate/v1/predictions/" + id).text("status")).isEqualTo("canceled");
  }

  @Test
  void the_proxy_serves_queue_fal_run_urls_and_refuses_any_other_target() throws Exception {
    HttpResponse<String> proxied =
        send("POST", "/fal/proxy", "{\"prompt\": \"proxied\"}", "https://queue.fal.run/" + T2V);
    assertThat(proxied.statusCode()).isEqualTo(200);
    String id = json(proxied).path("request_id").asString();
    assertThat(api.result(id).body().at("/metadata/input/prompt").asString()).isEqualTo("proxied");

    assertThat(send("POST", "/fal/proxy", "{}", "https://evil.example/steal").statusCode())
        .isEqualTo(400);
    assertThat(send("POST", "/fal/proxy", "{}", null).statusCode()).isEqualTo(400);
  }

  @Test
  void a_storage_upload_is_put_once_with_its_signed_url_and_opens_nothing_else() throws Exception {
    HttpResponse<String> initiated =
        send(
            "POST",
            "/fal/proxy?storage_type=fal-cdn-v3",
            "{\"content_type\": \"image/png\", \"file_name\": \"start.png\"}",
            "https://rest.fal.ai/storage/upload/initiate?storage_type=fal-cdn-v3");
    assertThat(initiated.statusCode()).isEqualTo(200);
    String uploadUrl = json(initiated).path("upload_url").asString();
    String fileUrl = json(initiated).path("file_url").asString();
    byte[] png = dev.kino.testing.Images.encode(dev.kino.testing.Images.quadrants(64, 64), "png");

    String withoutToken = uploadUrl.substring(0, uploadUrl.indexOf("&token="));
    assertThat(put(withoutToken, png).statusCode()).as("no token, no key").isEqualTo(401);
    String id = uploadUrl.replaceAll(".*/upload/([^?]+).*", "$1");
    String token = uploadUrl.replaceAll(".*&token=", "");
    assertThat(
            HTTP.send(
                    HttpRequest.newBuilder(
                            URI.create(
                                api.base() + "/v1/requests/" + id + "/events?token=" + token))
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .as("an upload's token opens no events stream")
        .isEqualTo(401);

    assertThat(put(uploadUrl, png).statusCode()).isEqualTo(200);
    HttpResponse<byte[]> stored = api.getBytes(fileUrl.substring(api.base().length()));
    assertThat(stored.statusCode()).isEqualTo(200);
    assertThat(stored.body()).isEqualTo(png);
  }

  private static HttpResponse<String> put(String url, byte[] body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "image/png")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void an_invalid_input_is_fals_422_with_every_field_located() throws Exception {
    HttpResponse<String> refused =
        send(
            "POST",
            "/fal/queue/" + T2V,
            "{\"prompt\": \"x\", \"duration\": 99, \"aspect_ratio\": \"2:1\"}",
            null);
    assertThat(refused.statusCode()).isEqualTo(422);
    JsonNode detail = json(refused).path("detail");
    assertThat(detail.toString())
        .contains("[\"body\",\"duration\"]")
        .contains("[\"body\",\"aspect_ratio\"]");
    assertThat(detail.get(0).path("msg").asString()).isNotBlank();
    assertThat(detail.get(0).path("type").asString()).startsWith("value_error");
    assertThat(api.get("/v1/requests").body().path("requests").size()).isZero();
  }

  private HttpResponse<String> send(String method, String path, String body, String target)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api.base() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("Authorization", "Key " + TestServer.ADMIN_KEY);
    if (target != null) {
      request.header("x-fal-target-url", target);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> answer) {
    return JsonMapper.shared().readTree(answer.body());
  }
}
