package dev.kino.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests: real requests to a Kino server, answers parsed as JSON. */
public final class Api {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String key;

  public Api(String base, String key) {
    this.base = base;
    this.key = key;
  }

  public String base() {
    return base;
  }

  /** A JSON answer and its status. */
  public record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    public String text(String field) {
      return body.path(field).asString();
    }
  }

  public Answer get(String path) {
    return send(request(path).GET().build());
  }

  public Answer post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  /** A JSON POST with extra headers (name, value, name, value...). */
  public Answer postWithHeaders(String path, String json, String... headers) {
    HttpRequest.Builder builder = request(path).header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return send(builder.POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  public String key() {
    return key;
  }

  public Answer post(String path, String contentType, String body) {
    return send(
        request(path)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  /** {@code POST /v1/files} as multipart/form-data with the bytes in a field named {@code file}. */
  public Answer uploadMultipart(String filename, byte[] bytes) {
    String boundary = "kino-test-" + System.nanoTime();
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    body.writeBytes(bytes);
    body.writeBytes(
        ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return send(
        request("/v1/files")
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build());
  }

  /** {@code POST /v1/files} with the bytes as the raw body. */
  public Answer uploadRaw(String query, byte[] bytes) {
    return send(
        request("/v1/files" + query)
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build());
  }

  public Answer patch(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  public Answer delete(String path) {
    return send(request(path).DELETE().build());
  }

  /** GET with this client's key, keeping the body as bytes. */
  public HttpResponse<byte[]> getBytes(String path) {
    try {
      return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Answer submit(String modelId, String json) {
    return post("/v1/models/" + modelId, json);
  }

  /** Submits and returns the request id, failing the test if the submit was refused. */
  public String submitOk(String modelId, String json) {
    Answer answer = submit(modelId, json);
    if (answer.status() != 200) {
      throw new AssertionError("submit refused: " + answer.status() + " " + answer.body());
    }
    return answer.text("request_id");
  }

  public Answer status(String id) {
    return get("/v1/requests/" + id + "/status");
  }

  public Answer result(String id) {
    return get("/v1/requests/" + id + "/result");
  }

  public Answer cancel(String id) {
    return post("/v1/requests/" + id + "/cancel", "");
  }

  /** Polls until the request is in one of the states, then returns its result. */
  public JsonNode awaitState(String id, Duration timeout, String... states) {
    Set<String> wanted = Set.of(states);
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> wanted.contains(status(id).text("status")));
    return result(id).body();
  }

  /** Downloads a URL without the Bearer header (as a browser would open a signed link). */
  public static HttpResponse<byte[]> download(String url, String range) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
    if (range != null) {
      request.header("Range", range);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Downloads a URL to a temporary file. */
  public static Path downloadToFile(String url) {
    HttpResponse<byte[]> response = download(url, null);
    if (response.statusCode() != 200) {
      throw new AssertionError("download failed: " + response.statusCode() + " " + url);
    }
    try {
      Path file = Files.createTempFile("kino-download-", ".mp4");
      Files.write(file, response.body());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (key != null) {
      builder.header("Authorization", "Bearer " + key);
    }
    return builder;
  }

  private static Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body =
          response.body().isEmpty()
              ? JsonMapper.shared().missingNode()
              : JsonMapper.shared().readTree(response.body());
      return new Answer(response.statusCode(), body, response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
