package dev.kino.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stands in for Kling's open-platform API (api-singapore.klingai.com), which cannot be reached from
 * tests, after its documented protocol: every call carries {@code Authorization: Bearer <JWT>}
 * signed HS256 with the secret key, {@code iss} = access key, checked here with the shared secret
 * (codes 1000-1004 otherwise); tasks are created by {@code POST /v1/videos/text2video} or {@code
 * /image2video} and read back by {@code GET} on the same route with the task id or the caller's
 * {@code external_task_id}; states {@code submitted}, {@code processing}, {@code succeed} (with
 * {@code task_result.videos[].url}) and {@code failed} (with {@code task_status_msg}); elements are
 * made by {@code POST /v1/general/advanced-custom-elements} and read back the same way. Answers are
 * {@code {code, message, request_id, data}}; a refused task creation at the account's concurrency
 * limit is HTTP 429 code 1303; Kling's own limits (at most 6 shots, durations as strings, {@code
 * sound} on/off, shot type {@code customize} or {@code intelligence}) are enforced as code 1201, so
 * a mapping mistake in Kino shows.
 */
public final class FakeKling extends FakeProvider {
  private static final Set<String> ROUTES = Set.of("text2video", "image2video");
  private final String accessKey;
  private final byte[] secretKey;
  private final Map<String, String> byExternalId = new ConcurrentHashMap<>();
  private final Map<String, Long> elementIds = new ConcurrentHashMap<>();
  private final List<JWTClaimsSet> tokens = new CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong(860_000_000_000_000_000L);

  public FakeKling(String accessKey, String secretKey) {
    this.accessKey = accessKey;
    this.secretKey = secretKey.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  protected void routes(JavalinConfig config) {
    config.routes.post("/v1/videos/{route}", this::createVideo);
    config.routes.get("/v1/videos/{route}/{id}", this::query);
    config.routes.get("/v1/videos/{route}", this::list);
    config.routes.post("/v1/general/advanced-custom-elements", this::createElement);
    config.routes.get("/v1/general/advanced-custom-elements/{id}", this::query);
  }

  /** The claims of every token that passed the check, in order. */
  public List<JWTClaimsSet> tokens() {
    return List.copyOf(tokens);
  }

  /** Video tasks created (element tasks not counted). */
  public long videoTasks() {
    return videoTaskIds().size();
  }

  /** The ids of the video tasks created, oldest first. */
  public List<String> videoTaskIds() {
    return tasks.values().stream()
        .filter(t -> !t.id.startsWith("element-"))
        .sorted(Comparator.comparingLong(t -> t.createdAt))
        .map(t -> t.id)
        .toList();
  }

  private void createVideo(Context ctx) {
    JsonNode body = record(ctx);
    if (!authenticated(ctx) || !ROUTES.contains(ctx.pathParam("route"))) {
      if (ctx.status().getCode() < 400) {
        answer(ctx, 404, 1203, "no such route", null);
      }
      return;
    }
    Optional<String> wrong = checkVideo(ctx.pathParam("route"), body);
    if (wrong.isPresent()) {
      answer(ctx, 400, 1201, wrong.get(), null);
      return;
    }
    create(ctx, body, String.valueOf(ids.incrementAndGet()));
  }

  private void createElement(Context ctx) {
    JsonNode body = record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    String type = body.path("reference_type").asString("");
    boolean images =
        type.equals("image_refer") && body.path("element_image_list").hasNonNull("frontal_image");
    boolean video =
        type.equals("video_refer")
            && body.path("element_video_list").path("refer_videos").path(0).hasNonNull("video_url");
    if (body.path("element_name").asString("").isBlank()
        || body.path("element_name").asString().length() > 20
        || !(images || video)) {
      answer(
          ctx,
          400,
          1201,
          "element_name (at most 20 characters) and an image_refer or video_refer list are required",
          null);
      return;
    }
    String id = "element-" + ids.incrementAndGet();
    elementIds.put(id, ids.incrementAndGet());
    create(ctx, body, id);
  }

  private void create(Context ctx, JsonNode body, String id) {
    if (refusedAsAsked(ctx)) {
      return;
    }
    if (refuseThisOne()) {
      answer(ctx, 429, 1303, "parallel task over resource pack limit", null);
      return;
    }
    String external = body.path("external_task_id").asString("");
    if (!external.isBlank() && byExternalId.putIfAbsent(external, id) != null) {
      answer(ctx, 400, 1201, "external_task_id already exists", null);
      return;
    }
    answer(ctx, 200, 0, "SUCCEED", view(newTask(id, body)));
  }

  /** Kling's task list: {@code pageNum}, {@code pageSize}, newest first. */
  private void list(Context ctx) {
    recordKeyCheck(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    String asked = ctx.queryParam("pageSize");
    int size = Math.max(1, Math.min(500, asked == null ? 30 : Integer.parseInt(asked)));
    var data = JSON.createArrayNode();
    tasks.values().stream().limit(size).forEach(task -> data.add(view(task)));
    answer(ctx, 200, 0, "SUCCEED", data);
  }

  private void query(Context ctx) {
    record(ctx);
    if (!authenticated(ctx)) {
      return;
    }
    String id = ctx.pathParam("id");
    Task task = tasks.get(byExternalId.getOrDefault(id, id));
    if (task == null) {
      answer(ctx, 404, 1203, "task not found", null);
      return;
    }
    answer(ctx, 200, 0, "SUCCEED", view(task));
  }

  private ObjectNode view(Task task) {
    ObjectNode data = JSON.createObjectNode();
    data.put("task_id", task.id);
    String status =
        task.queued()
            ? "submitted"
            : task.running() ? "processing" : task.failure != null ? "failed" : "succeed";
    data.put("task_status", status);
    if (status.equals("failed")) {
      data.put("task_status_msg", task.failure);
    }
    data.putObject("task_info")
        .put("external_task_id", task.input.path("external_task_id").asString(""));
    data.put("created_at", task.createdAt).put("updated_at", System.currentTimeMillis());
    if (status.equals("succeed")) {
      ObjectNode result = data.putObject("task_result");
      if (elementIds.containsKey(task.id)) {
        result
            .putArray("elements")
            .addObject()
            .put("element_id", elementIds.get(task.id))
            .put("element_name", task.input.path("element_name").asString());
      } else {
        result
            .putArray("videos")
            .addObject()
            .put("id", UUID.randomUUID().toString())
            .put("url", outputUrl(task))
            .put("duration", task.input.path("duration").asString("5"));
      }
    }
    return data;
  }

  /** Kling's own rules for a create-task body; what breaks one is Kino's mapping. */
  private Optional<String> checkVideo(String route, JsonNode body) {
    if (!body.path("model_name").isString()) {
      return Optional.of("model_name is required");
    }
    if (route.equals("image2video") && body.path("image").asString("").isBlank()) {
      return Optional.of("image is required");
    }
    if (body.has("duration") && !body.path("duration").isString()) {
      return Optional.of("duration must be a string");
    }
    if (body.has("sound") && !Set.of("on", "off").contains(body.path("sound").asString(""))) {
      return Optional.of("sound must be on or off");
    }
    if (!Set.of("std", "pro").contains(body.path("mode").asString("std"))) {
      return Optional.of("mode must be std or pro");
    }
    if (body.path("multi_shot").asBoolean(false)) {
      String shotType = body.path("shot_type").asString("");
      if (!Set.of("customize", "intelligence").contains(shotType)) {
        return Optional.of("shot_type must be customize or intelligence");
      }
      JsonNode shots = body.path("multi_prompt");
      if (shotType.equals("customize") && (shots.isEmpty() || shots.size() > 6)) {
        return Optional.of("multi_prompt takes 1 to 6 shots");
      }
      long sum = 0;
      for (int i = 0; i < shots.size(); i++) {
        if (shots.get(i).path("index").asInt() != i + 1
            || !shots.get(i).path("duration").isString()) {
          return Optional.of(
              "multi_prompt[" + i + "] needs index " + (i + 1) + " and a string duration");
        }
        sum += Long.parseLong(shots.get(i).path("duration").asString());
      }
      if (!shots.isEmpty() && sum != Long.parseLong(body.path("duration").asString("5"))) {
        return Optional.of("the shot durations must add up to duration");
      }
    }
    for (JsonNode element : body.path("element_list")) {
      if (!elementIds.containsValue(element.path("element_id").asLong())) {
        return Optional.of("element " + element.path("element_id") + " does not exist");
      }
    }
    return Optional.empty();
  }

  /** Checks the bearer token as Kling does; answers 401 with Kling's code when it fails. */
  private boolean authenticated(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      answer(ctx, 401, 1001, "Authorization is empty", null);
      return false;
    }
    try {
      SignedJWT jwt = SignedJWT.parse(header.substring("Bearer ".length()));
      if (!jwt.verify(new MACVerifier(secretKey))) {
        answer(ctx, 401, 1002, "Authorization is invalid", null);
        return false;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Instant now = Instant.now();
      if (!accessKey.equals(claims.getIssuer())) {
        answer(ctx, 401, 1002, "Authorization is invalid", null);
        return false;
      }
      if (claims.getNotBeforeTime() == null || claims.getNotBeforeTime().toInstant().isAfter(now)) {
        answer(ctx, 401, 1003, "Authorization is not yet valid", null);
        return false;
      }
      if (claims.getExpirationTime() == null
          || claims.getExpirationTime().toInstant().isBefore(now)) {
        answer(ctx, 401, 1004, "Authorization has expired", null);
        return false;
      }
      tokens.add(claims);
      return true;
    } catch (ParseException | JOSEException e) {
      answer(ctx, 401, 1002, "Authorization is invalid", null);
      return false;
    }
  }

  /**
   * Kling's refusals at creation, from its error-code table: 1201 invalid parameters, 1102 resource
   * pack used up, 1002 invalid authorization, 5001 unavailable, 1301 content security policy.
   */
  private boolean refusedAsAsked(Context ctx) {
    if (refusingAs("invalid_input")) {
      answer(ctx, 400, 1201, "Invalid request parameters: prompt is too long", null);
    } else if (refusingAs("provider_quota")) {
      answer(ctx, 429, 1102, "Resource pack depleted or expired", null);
    } else if (refusingAs("provider_auth")) {
      answer(ctx, 401, 1002, "Authorization is invalid", null);
    } else if (refusingAs("provider_unavailable")) {
      answer(ctx, 503, 5001, "Server temporarily unavailable", null);
    } else if (refusingAs("content_refused")) {
      answer(ctx, 400, 1301, "Trigger the content security policy of the platform", null);
    } else {
      return false;
    }
    return true;
  }

  private static void answer(Context ctx, int status, int code, String message, JsonNode data) {
    ObjectNode body =
        JSON.createObjectNode()
            .put("code", code)
            .put("message", message)
            .put("request_id", UUID.randomUUID().toString());
    if (data != null) {
      body.set("data", data);
    }
    json(ctx, status, body);
  }
}
