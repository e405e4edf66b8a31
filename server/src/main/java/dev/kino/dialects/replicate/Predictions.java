package dev.kino.dialects.replicate;

import dev.kino.dialects.ModelNames;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobError;
import dev.kino.jobs.JobState;
import dev.kino.keys.KeySecrets;
import dev.kino.models.ModelDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Replicate's prediction shapes over Kino's jobs, as the official {@code replicate} client reads
 * them (replicate-javascript's {@code lib/predictions.js}, {@code run} and {@code wait} in {@code
 * index.js}): the prediction object and its states, the model with its OpenAPI schema, the file,
 * the error body. A prediction is an ordinary Kino job under the same id.
 */
public final class Predictions {
  private Predictions() {}

  /**
   * A model's one version: a stable id made from the model id (Kino has no versions; the id changes
   * only with the model's).
   */
  public static String version(String modelId) {
    return KeySecrets.hash("kino-model:" + modelId);
  }

  /**
   * The prediction of a job. {@code starting}: answer {@code starting} whatever the job's state,
   * for an answer held by {@code Prefer: wait} that ended before the job did (the client's {@code
   * run} takes any other state as finished). {@code fileUrl} makes a stored file's link; {@code
   * streamUrl} is the signed link of its event stream.
   */
  public static ObjectNode prediction(
      Job job,
      String base,
      String streamUrl,
      List<String> logs,
      Function<String, String> fileUrl,
      boolean starting) {
    ObjectNode p = JsonMapper.shared().createObjectNode();
    p.put("id", job.id());
    p.put("model", ModelNames.twoSegment(job.modelId()));
    p.put("version", version(job.modelId()));
    p.set("input", job.input());
    p.set("output", starting ? null : output(job, fileUrl));
    p.put("logs", String.join("\n", logs));
    p.put(
        "error",
        job.state() == JobState.FAILED && !starting
            ? job.error().map(JobError::summary).orElse("failed")
            : null);
    p.put("status", starting ? "starting" : status(job.state()));
    p.put("source", "api");
    p.put("data_removed", job.outputsDeletedAt().isPresent());
    p.put("created_at", job.createdAt().toString());
    p.put("started_at", job.startedAt().map(Instant::toString).orElse(null));
    p.put(
        "completed_at",
        job.state().isFinal() ? job.finishedAt().map(Instant::toString).orElse(null) : null);
    ObjectNode urls = p.putObject("urls");
    String self = base + "/replicate/v1/predictions/" + job.id();
    urls.put("get", self);
    urls.put("cancel", self + "/cancel");
    urls.put("stream", streamUrl);
    urls.put("web", base + "/library/" + job.id());
    ObjectNode metrics = p.putObject("metrics");
    if (job.state().isFinal() && job.finishedAt().isPresent()) {
      job.startedAt()
          .ifPresent(s -> metrics.put("predict_time", seconds(s, job.finishedAt().get())));
      metrics.put("total_time", seconds(job.createdAt(), job.finishedAt().get()));
    }
    return p;
  }

  /** The output's file URLs, in order (for the stream's {@code output} events). */
  public static List<String> outputUrls(Job job, Function<String, String> fileUrl) {
    JsonNode output = output(job, fileUrl);
    if (output == null) {
      return List.of();
    }
    if (output.isString()) {
      return List.of(output.asString());
    }
    List<String> urls = new java.util.ArrayList<>();
    output.forEach(u -> urls.add(u.asString()));
    return urls;
  }

  /** Replicate's five states. */
  static String status(JobState state) {
    return switch (state) {
      case IN_QUEUE -> "starting";
      case IN_PROGRESS -> "processing";
      case COMPLETED -> "succeeded";
      case FAILED -> "failed";
      case CANCELLED -> "canceled";
    };
  }

  /** A video model's output as Replicate's give it: the file's URL (a list for several). */
  private static JsonNode output(Job job, Function<String, String> fileUrl) {
    if (job.state() != JobState.COMPLETED
        || job.outputsDeletedAt().isPresent()
        || job.output().isEmpty()) {
      return null;
    }
    ObjectNode output = job.output().get();
    for (String field : List.of("video", "videos", "image", "images")) {
      JsonNode value = output.path(field);
      if (value.isString()) {
        return JsonMapper.shared().getNodeFactory().stringNode(fileUrl.apply(value.asString()));
      }
      if (value.isArray()) {
        var urls = JsonMapper.shared().createArrayNode();
        value.forEach(k -> urls.add(fileUrl.apply(k.asString())));
        return urls;
      }
    }
    return null;
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  /**
   * The model as {@code GET /models/{owner}/{name}} answers it, its schema in the latest version.
   */
  public static ObjectNode model(ModelDefinition model, String base) {
    String name = ModelNames.twoSegment(model.id());
    ObjectNode m = JsonMapper.shared().createObjectNode();
    m.put("url", base + "/playground/" + model.id());
    m.put("owner", name.substring(0, name.indexOf('/')));
    m.put("name", name.substring(name.indexOf('/') + 1));
    m.put("description", model.description());
    m.put("visibility", "public");
    m.put("kino_model_id", model.id());
    ObjectNode latest = m.putObject("latest_version");
    latest.put("id", version(model.id()));
    ObjectNode schema = latest.putObject("openapi_schema");
    schema.put("openapi", "3.0.2");
    schema.putObject("info").put("title", model.title());
    ObjectNode schemas = schema.putObject("components").putObject("schemas");
    schemas.set("Input", model.inputSchema());
    schemas.set("Output", model.outputSchema());
    return m;
  }

  /** An uploaded file as {@code POST /files} answers it; {@code urls.get} works as an input URL. */
  public static ObjectNode file(
      String id,
      String name,
      String contentType,
      long size,
      String sha256,
      Instant created,
      Optional<Instant> expires,
      String url) {
    ObjectNode f = JsonMapper.shared().createObjectNode();
    f.put("id", id);
    f.put("name", name);
    f.put("content_type", contentType);
    f.put("size", size);
    f.put("etag", sha256);
    f.putObject("checksums").put("sha256", sha256);
    f.putObject("metadata");
    f.put("created_at", created.toString());
    f.put("expires_at", expires.map(Instant::toString).orElse(null));
    f.putObject("urls").put("get", url);
    return f;
  }

  /** Replicate's error body (problem details, with the fields a validation refused). */
  public static ObjectNode error(int status, String title, String detail, List<String[]> fields) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("title", title);
    body.put("detail", detail);
    body.put("status", status);
    if (!fields.isEmpty()) {
      var invalid = body.putArray("invalid_fields");
      for (String[] f : fields) {
        ObjectNode field = invalid.addObject();
        field.put("type", f[0]);
        field.put("field", f[1]);
        field.put("description", f[2]);
      }
    }
    return body;
  }
}
