package dev.kino.api;

import dev.kino.idempotency.IdempotencyKeys;
import dev.kino.inputs.InputException;
import dev.kino.inputs.InputFiles;
import dev.kino.jobs.Callback;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobStore;
import dev.kino.jobs.NewJob;
import dev.kino.models.FieldProblem;
import dev.kino.models.InvalidInputException;
import dev.kino.models.Model;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/models/{model_id}}: parse, validate against the model, check input URLs, take the
 * webhook fields (additive: {@code webhook_url}, {@code webhook_on_start}) out of the body, honour
 * an {@code Idempotency-Key}, and queue the job durably before answering.
 */
final class Submissions {
  static final String WEBHOOK_URL = "webhook_url";
  static final String WEBHOOK_ON_START = "webhook_on_start";
  private static final int MAX_KEY_LENGTH = 255;

  private final JobStore store;
  private final InputFiles inputs;
  private final IdempotencyKeys idempotency;
  private final JobViews views;
  private final Links links;
  private final Runnable onSubmit;
  private final Clock clock;
  private final int maxAttempts;

  Submissions(
      JobStore store,
      InputFiles inputs,
      IdempotencyKeys idempotency,
      JobViews views,
      Links links,
      Runnable onSubmit,
      Clock clock,
      int maxAttempts) {
    this.store = store;
    this.inputs = inputs;
    this.idempotency = idempotency;
    this.views = views;
    this.links = links;
    this.onSubmit = onSubmit;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
  }

  void submit(Context ctx, Model model) {
    Optional<String> key = idempotencyKey(ctx);
    JsonNode body = parseBody(ctx);
    Optional<Callback> callback = body.isObject() ? callback((ObjectNode) body) : Optional.empty();
    String fingerprint = fingerprint(model.id(), body, callback);
    ObjectNode input;
    try {
      input = model.validate(withoutWebhookFields(body));
    } catch (InvalidInputException e) {
      throw ApiException.invalidInput(e.problems());
    }
    String owner = Authenticator.caller(ctx).ownerId();
    checkUrls(input, owner);
    String base = links.base(ctx);
    String id = UUID.randomUUID().toString();
    if (key.isPresent()) {
      switch (idempotency.claim(owner, key.get(), fingerprint, id)) {
        case IdempotencyKeys.Claim.Fresh fresh -> {}
        case IdempotencyKeys.Claim.Replay replay -> {
          Job original = store.find(replay.requestId()).orElseThrow();
          ctx.header("Idempotent-Replayed", "true");
          Responses.json(ctx, 200, views.submitted(base, original));
          return;
        }
        case IdempotencyKeys.Claim.Mismatch mismatch ->
            throw new ApiException(
                422,
                422003,
                "idempotency_key_reused",
                "the Idempotency-Key was used for request "
                    + mismatch.requestId()
                    + " with a different body; use a new key for a new request",
                List.of(
                    new FieldProblem(
                        "Idempotency-Key", "reused", "already used with a different body")));
        case IdempotencyKeys.Claim.InProgress busy ->
            throw new ApiException(
                409,
                409002,
                "idempotency_in_progress",
                "a request with this Idempotency-Key is still being accepted; retry in a moment to get its answer");
      }
    }
    Job job;
    try {
      job =
          store.submit(
              new NewJob(id, owner, model.id(), input, maxAttempts, callback, base),
              clock.instant());
    } catch (RuntimeException e) {
      key.ifPresent(k -> idempotency.release(owner, k, id));
      throw e;
    }
    onSubmit.run();
    Responses.json(ctx, 200, views.submitted(base, job));
  }

  private static Optional<String> idempotencyKey(Context ctx) {
    String key = ctx.header("Idempotency-Key");
    if (key == null) {
      return Optional.empty();
    }
    if (key.isBlank()
        || key.length() > MAX_KEY_LENGTH
        || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw new ApiException(
          400,
          400006,
          "invalid_idempotency_key",
          "the Idempotency-Key header must be 1 to "
              + MAX_KEY_LENGTH
              + " visible ASCII characters (a UUID is a good choice)",
          List.of(
              new FieldProblem(
                  "Idempotency-Key",
                  "format",
                  "must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters")));
    }
    return Optional.of(key);
  }

  /**
   * The webhook fields, checked here: they are not the model's, so its schema does not know them.
   */
  private Optional<Callback> callback(ObjectNode body) {
    JsonNode url = body.get(WEBHOOK_URL);
    JsonNode onStart = body.get(WEBHOOK_ON_START);
    List<FieldProblem> problems = new ArrayList<>();
    if (onStart != null && !onStart.isBoolean()) {
      problems.add(new FieldProblem(WEBHOOK_ON_START, "type", "must be true or false"));
    }
    if (url == null || url.isNull()) {
      if (onStart != null && onStart.asBoolean(false)) {
        problems.add(new FieldProblem(WEBHOOK_ON_START, "requires", "needs webhook_url"));
      }
      throwIfAny(problems);
      return Optional.empty();
    }
    if (!url.isString() || url.asString().length() > 2048) {
      problems.add(
          new FieldProblem(
              WEBHOOK_URL, "type", "must be an http(s) URL of at most 2048 characters"));
    } else {
      try {
        inputs.checkCallTarget(WEBHOOK_URL, url.asString());
      } catch (InputException e) {
        problems.add(
            new FieldProblem(WEBHOOK_URL, e.code(), e.getMessage() + " (" + e.url() + ")"));
      }
    }
    throwIfAny(problems);
    return Optional.of(new Callback(url.asString(), onStart != null && onStart.asBoolean(false)));
  }

  private static JsonNode withoutWebhookFields(JsonNode body) {
    if (!body.isObject() || !(body.has(WEBHOOK_URL) || body.has(WEBHOOK_ON_START))) {
      return body;
    }
    ObjectNode copy = ((ObjectNode) body).deepCopy();
    copy.remove(WEBHOOK_URL);
    copy.remove(WEBHOOK_ON_START);
    return copy;
  }

  private static void throwIfAny(List<FieldProblem> problems) {
    if (!problems.isEmpty()) {
      throw ApiException.invalidInput(problems);
    }
  }

  /**
   * What was asked, independent of key order and spacing: the model and the body as canonical JSON.
   */
  private static String fingerprint(String modelId, JsonNode body, Optional<Callback> callback) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(modelId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      sha.update(JsonMapper.shared().writeValueAsBytes(canonical(body)));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        sorted.put(field.getKey(), canonical(field.getValue()));
      }
      ObjectNode out = JsonMapper.shared().createObjectNode();
      sorted.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      var out = JsonMapper.shared().createArrayNode();
      node.forEach(item -> out.add(canonical(item)));
      return out;
    }
    return node;
  }

  static JsonNode parseBody(Context ctx) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (!type.isEmpty()
        && !type.startsWith("application/json")
        && !type.contains("+json")
        && !type.startsWith("text/plain")
        && !type.startsWith("application/x-www-form-urlencoded")) {
      throw new ApiException(
          415,
          415001,
          "unsupported_media_type",
          "send the input as JSON (Content-Type: application/json), not " + ctx.contentType());
    }
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      throw ApiException.malformedJson(
          "the body is empty; send a JSON object with the model's input fields");
    }
    try {
      return JsonMapper.shared().readTree(bytes);
    } catch (JacksonException e) {
      throw ApiException.malformedJson(e.getOriginalMessage());
    }
  }

  /**
   * Refuses, at submit, input URLs that could never be used (wrong scheme, internal addresses
   * including names that resolve inside, others' uploads, bad inline data), so the client hears at
   * once rather than from a failed job. Fetching itself happens when the job runs, which checks
   * everything again.
   */
  private void checkUrls(ObjectNode input, String owner) {
    List<FieldProblem> problems = new ArrayList<>();
    collectUrlProblems(input, "", owner, problems);
    throwIfAny(problems);
  }

  private void collectUrlProblems(
      JsonNode node, String path, String owner, List<FieldProblem> problems) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String name = field.getKey();
        String childPath = path.isEmpty() ? name : path + "." + name;
        JsonNode value = field.getValue();
        if (value.isString() && name.endsWith("_url")) {
          check(childPath, value.asString(), owner, problems);
        } else if (value.isArray() && name.endsWith("_urls")) {
          for (int i = 0; i < value.size(); i++) {
            if (value.get(i).isString()) {
              check(childPath + "[" + i + "]", value.get(i).asString(), owner, problems);
            }
          }
        } else {
          collectUrlProblems(value, childPath, owner, problems);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectUrlProblems(node.get(i), path + "[" + i + "]", owner, problems);
      }
    }
  }

  private void check(String path, String url, String owner, List<FieldProblem> problems) {
    try {
      inputs.checkAtSubmit(path, url, owner);
    } catch (InputException e) {
      problems.add(new FieldProblem(path, e.code(), e.getMessage() + " (" + e.url() + ")"));
    }
  }
}
