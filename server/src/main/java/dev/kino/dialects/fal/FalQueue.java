package dev.kino.dialects.fal;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobError;
import dev.kino.jobs.JobEvent;
import dev.kino.jobs.JobState;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * fal's queue shapes over Kino's jobs, as the official {@code @fal-ai/client} sends and reads them
 * (fal-js's {@code src/queue.ts}, {@code request.ts}, {@code middleware.ts}, {@code response.ts}):
 * the queue URLs of an endpoint ({@code owner/alias} then the model's path), the status with its
 * states and logs, a video model's result, fal's error bodies, and the proxy's target URL.
 */
public final class FalQueue {
  public static final String PREFIX = "/fal/queue/";

  /** Where fal's storage upload begins, proxied from {@code rest.fal.ai}. */
  public static final String UPLOAD_INITIATE = "/fal/storage/upload/initiate";

  private FalQueue() {}

  /** Where a request's routes live: the app part of its endpoint id ({@code kling/kling-3.0}). */
  public static String app(String modelId) {
    String[] parts = modelId.split("/");
    return parts.length >= 2 ? parts[0] + "/" + parts[1] : modelId;
  }

  public static String requestUrl(String base, Job job) {
    return base + PREFIX + app(job.modelId()) + "/requests/" + job.id();
  }

  /**
   * The status: {@code IN_QUEUE} with the queue position, {@code IN_PROGRESS}, {@code COMPLETED}
   * (also for a failed or cancelled request: the client stops polling only on it, and the result
   * route then answers the error), with log lines when asked.
   */
  public static ObjectNode status(
      String base, Job job, OptionalLong queuePosition, Optional<List<JobEvent>> logs) {
    ObjectNode s = JsonMapper.shared().createObjectNode();
    String state =
        switch (job.state()) {
          case IN_QUEUE -> "IN_QUEUE";
          case IN_PROGRESS -> "IN_PROGRESS";
          default -> "COMPLETED";
        };
    s.put("status", state);
    s.put("request_id", job.id());
    String url = requestUrl(base, job);
    s.put("response_url", url);
    s.put("status_url", url + "/status");
    s.put("cancel_url", url + "/cancel");
    queuePosition.ifPresent(p -> s.put("queue_position", p));
    logs.ifPresent(
        lines -> {
          ArrayNode list = s.putArray("logs");
          for (JobEvent line : lines) {
            ObjectNode entry = list.addObject();
            entry.put("message", line.data().path("message").asString());
            entry.put("level", "INFO");
            entry.put("source", "user");
            entry.put("timestamp", line.at().toString());
          }
        });
    if (job.state().isFinal()) {
      ObjectNode metrics = s.putObject("metrics");
      job.startedAt()
          .ifPresent(
              start ->
                  job.finishedAt()
                      .ifPresent(
                          end ->
                              metrics.put(
                                  "inference_time",
                                  java.time.Duration.between(start, end).toMillis() / 1000.0)));
    }
    return s;
  }

  /** A stored output file as fal's video models give it. */
  public record File(String url, String contentType, String fileName, long size) {}

  /**
   * A completed request's video as a file, its URL made by {@code fileUrl} and its size read by
   * {@code size} (both from the stored file's key); empty once the outputs are deleted.
   */
  public static Optional<File> video(
      Job job, Function<String, String> fileUrl, ToLongFunction<String> size) {
    if (job.outputsDeletedAt().isPresent()) {
      return Optional.empty();
    }
    return job.output()
        .map(o -> o.path("video"))
        .filter(JsonNode::isString)
        .map(JsonNode::asString)
        .map(
            key ->
                new File(
                    fileUrl.apply(key),
                    "video/mp4",
                    key.substring(key.lastIndexOf('/') + 1),
                    size.applyAsLong(key)));
  }

  /** Why a failed or cancelled request has no result, as fal's error texts say it. */
  public static String failure(Job job) {
    return job.state() == JobState.CANCELLED
        ? "the request was cancelled"
        : job.error().map(JobError::summary).orElse("the request failed");
  }

  /** The result of a completed request: {@code {"video": {...}, "seed"}}. */
  public static ObjectNode result(Job job, Optional<File> video) {
    ObjectNode r = JsonMapper.shared().createObjectNode();
    video.ifPresent(
        f -> {
          ObjectNode v = r.putObject("video");
          v.put("url", f.url());
          v.put("content_type", f.contentType());
          v.put("file_name", f.fileName());
          v.put("file_size", f.size());
        });
    JsonNode seed =
        job.metadata()
            .map(m -> m.path("seed"))
            .filter(JsonNode::isNumber)
            .orElse(job.input().path("seed"));
    if (seed.isNumber()) {
      r.put("seed", seed.asLong());
    }
    return r;
  }

  /** fal's validation error: {@code {"detail": [{"loc": ["body", field...], "msg", "type"}]}}. */
  public static ObjectNode validation(List<String[]> problems) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ArrayNode detail = body.putArray("detail");
    for (String[] p : problems) {
      ObjectNode entry = detail.addObject();
      ArrayNode loc = entry.putArray("loc");
      loc.add("body");
      for (String part : p[0].split("[.\\[\\]]+")) {
        if (!part.isEmpty()) {
          if (part.chars().allMatch(Character::isDigit)) {
            loc.add(Integer.parseInt(part));
          } else {
            loc.add(part);
          }
        }
      }
      entry.put("msg", p[2]);
      entry.put("type", "value_error." + p[1]);
    }
    return body;
  }

  /** fal's other errors: {@code {"detail": message}}. */
  public static ObjectNode error(String message) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("detail", message);
    return body;
  }

  /**
   * The Kino path and query a proxied request goes to: a fal queue URL ({@code
   * https://queue.fal.run/...}) becomes {@code /fal/queue/...}; anything else is not for Kino.
   */
  public static Optional<String> proxied(String targetUrl) {
    try {
      URI target = URI.create(targetUrl);
      String path = target.getRawPath() == null ? "" : target.getRawPath();
      String query = target.getRawQuery() == null ? "" : "?" + target.getRawQuery();
      if (!"https".equals(target.getScheme())) {
        return Optional.empty();
      }
      if ("queue.fal.run".equals(target.getHost())) {
        return Optional.of(PREFIX + path.replaceFirst("^/", "") + query);
      }
      // The client's uploads of Blob inputs begin at fal's storage API.
      if ("rest.fal.ai".equals(target.getHost()) && path.equals("/storage/upload/initiate")) {
        return Optional.of(UPLOAD_INITIATE + query);
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
