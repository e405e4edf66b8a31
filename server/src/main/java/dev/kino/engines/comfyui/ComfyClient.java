package dev.kino.engines.comfyui;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's HTTP and websocket API, as its {@code server.py} serves it: {@code /system_stats},
 * {@code /upload/image}, {@code /prompt}, {@code /history/{id}}, {@code /view}, {@code /queue},
 * {@code /interrupt} and {@code /ws?clientId=}. One client per server; calls throw {@link
 * IOException} when the server cannot be reached or answers with an error other than a rejected
 * prompt.
 */
final class ComfyClient {
  private static final JsonMapper JSON = JsonMapper.shared();
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
  private final URI base;
  private final HttpClient http;

  ComfyClient(URI base, HttpClient http) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.http = http;
  }

  String url() {
    return base.toString();
  }

  /** The server answers its stats: it is up. */
  boolean healthy(Duration timeout) {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(uri("/system_stats")).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Uploads an input image ({@code type=input}); returns the name a LoadImage node takes. */
  String uploadImage(Path file, String name) throws IOException, InterruptedException {
    String boundary = "kino-" + UUID.randomUUID();
    List<byte[]> parts = new ArrayList<>();
    parts.add(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\""
                + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    parts.add(Files.readAllBytes(file));
    parts.add(
        ("\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\ninput"
                + "\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"overwrite\"\r\n\r\ntrue"
                + "\r\n--"
                + boundary
                + "--\r\n")
            .getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(uri("/upload/image"))
            .timeout(CALL_TIMEOUT)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArrays(parts))
            .build();
    JsonNode answer = json(send(request), "/upload/image");
    String subfolder = answer.path("subfolder").asString("");
    String uploaded = answer.path("name").asString(name);
    return inSubfolder(subfolder, uploaded);
  }

  /** A file's name as ComfyUI's inputs and Kino's metadata give it: {@code subfolder/name}. */
  static String inSubfolder(String subfolder, String name) {
    return subfolder.isEmpty() ? name : subfolder + "/" + name;
  }

  /**
   * A prompt ComfyUI refused: a 400, or a 200 whose {@code node_errors} say some outputs did not
   * validate. Its error (if any) and the nodes at fault.
   */
  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final transient JsonNode body;

    Rejected(JsonNode body) {
      super(body.path("error").path("message").asString("the prompt was refused"));
      this.body = body;
    }
  }

  /** Queues the graph under our prompt and client ids. */
  void queuePrompt(ObjectNode graph, String clientId, String promptId)
      throws IOException, InterruptedException, Rejected {
    ObjectNode body = JSON.createObjectNode();
    body.set("prompt", graph);
    body.put("client_id", clientId);
    body.put("prompt_id", promptId);
    HttpResponse<String> response =
        http.send(postJson("/prompt", body), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 400) {
      throw new Rejected(parse(response.body(), "/prompt"));
    }
    if (response.statusCode() != 200) {
      throw new IOException("POST /prompt answered " + response.statusCode());
    }
    JsonNode accepted = parse(response.body(), "/prompt");
    if (!accepted.path("node_errors").isEmpty()) {
      // ComfyUI queued only the outputs that validated and would run them: a job with part of its
      // outputs. Take the prompt off the server before it spends GPU time, then refuse as for a
      // 400.
      takeOff(promptId);
      throw new Rejected(accepted);
    }
  }

  /** Removes the prompt from the server's queue, and stops it if it has started meanwhile. */
  void takeOff(String promptId) throws IOException, InterruptedException {
    ObjectNode delete = JSON.createObjectNode();
    delete.putArray("delete").add(promptId);
    send(postJson("/queue", delete));
    interrupt(promptId);
  }

  private HttpRequest postJson(String path, JsonNode body) {
    return HttpRequest.newBuilder(uri(path))
        .timeout(CALL_TIMEOUT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
        .build();
  }

  /** The prompt's history entry, once ComfyUI has one (when it finished, or failed). */
  Optional<JsonNode> history(String promptId) throws IOException, InterruptedException {
    JsonNode all =
        json(
            send(
                HttpRequest.newBuilder(uri("/history/" + promptId))
                    .timeout(CALL_TIMEOUT)
                    .GET()
                    .build()),
            "/history");
    return Optional.ofNullable(all.get(promptId));
  }

  /**
   * What the server has ({@code GET /object_info}: every node type and its inputs); empty from a
   * server without that route, which is then taken to run anything.
   */
  Optional<JsonNode> objectInfo() throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri("/object_info")).timeout(CALL_TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw new IOException("GET /object_info answered " + r.statusCode());
    }
    return Optional.of(parse(r.body(), "/object_info"));
  }

  /** Whether the prompt is running or waiting on the server. */
  boolean queued(String promptId) throws IOException, InterruptedException {
    JsonNode queue =
        json(
            send(HttpRequest.newBuilder(uri("/queue")).timeout(CALL_TIMEOUT).GET().build()),
            "/queue");
    for (String list : new String[] {"queue_running", "queue_pending"}) {
      for (JsonNode item : queue.path(list)) {
        if (item.isArray() && item.size() > 1 && item.get(1).asString().equals(promptId)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Downloads an output file; false if the server has no such file. */
  boolean view(String filename, String subfolder, String type, Path target)
      throws IOException, InterruptedException {
    String query =
        "filename=" + enc(filename) + "&subfolder=" + enc(subfolder) + "&type=" + enc(type);
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(uri("/view?" + query)).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() == 404) {
        return false;
      }
      if (r.statusCode() != 200) {
        throw new IOException("GET /view of " + filename + " answered " + r.statusCode());
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return true;
    }
  }

  /** Stops the prompt if it is the one running. */
  void interrupt(String promptId) throws IOException, InterruptedException {
    send(postJson("/interrupt", JSON.createObjectNode().put("prompt_id", promptId)));
  }

  /** Opens the websocket for one client id; messages go to the listener. */
  WebSocket openSocket(String clientId, WebSocket.Listener listener)
      throws IOException, InterruptedException {
    String ws = base.toString().replaceFirst("^http", "ws") + "/ws?clientId=" + enc(clientId);
    try {
      return http.newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .buildAsync(URI.create(ws), listener)
          .join();
    } catch (CompletionException e) {
      throw new IOException("cannot open " + ws + ": " + e.getCause(), e.getCause());
    }
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 400) {
      throw new IOException(
          request.method() + " " + request.uri().getPath() + " answered " + response.statusCode());
    }
    return response;
  }

  private static JsonNode json(HttpResponse<String> response, String what) throws IOException {
    return parse(response.body(), what);
  }

  private static JsonNode parse(String body, String what) throws IOException {
    try {
      return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
    } catch (JacksonException e) {
      throw new IOException(what + " did not answer JSON: " + e.getOriginalMessage());
    }
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
