package dev.kino.dialects.openai;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobState;
import dev.kino.models.ModelDefinition;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's Videos API shapes over Kino's jobs, as the official {@code openai} SDK sends and reads
 * them (openai-node's {@code resources/videos}: create as multipart, the video object, its list
 * page, the delete answer, the error body). A video is an ordinary Kino job under the same id; this
 * class only translates: a create's fields into the model's input, a job into a video object,
 * Kino's field paths back into OpenAI's parameter names.
 */
public final class OpenAiVideos {
  private OpenAiVideos() {}

  /** A create parameter Kino cannot honour for this model: a 400 naming it. */
  public static final class Refused extends RuntimeException {
    private final String param;

    public Refused(String param, String message) {
      super(message);
      this.param = param;
    }

    public String param() {
      return param;
    }
  }

  /** The create parameters this dialect knows; anything else is refused by name. */
  private static final java.util.Set<String> KNOWN =
      java.util.Set.of("prompt", "model", "seconds", "size", "input_reference");

  /**
   * The model's input from a create's fields ({@code prompt}, {@code seconds} as the duration,
   * {@code size} as the nearest aspect ratio the model allows) and the start image's URL when an
   * {@code input_reference} came; Kino's own validation then checks the values.
   */
  public static ObjectNode input(
      ModelDefinition model, Map<String, String> fields, Optional<String> startImage) {
    for (String name : fields.keySet()) {
      if (!KNOWN.contains(name)) {
        throw new Refused(name, "unknown parameter " + name + " for the Videos API");
      }
    }
    JsonNode properties = model.inputSchema().path("properties");
    ObjectNode input = JsonMapper.shared().createObjectNode();
    Optional.ofNullable(fields.get("prompt")).ifPresent(p -> input.put("prompt", p));
    String seconds = fields.get("seconds");
    if (seconds != null) {
      if (!properties.has("duration")) {
        throw new Refused("seconds", model.id() + " has no duration to set");
      }
      try {
        input.put("duration", Integer.parseInt(seconds.strip()));
      } catch (NumberFormatException e) {
        throw new Refused("seconds", "seconds must be a whole number of seconds, got " + seconds);
      }
    }
    String size = fields.get("size");
    if (size != null) {
      input.put("aspect_ratio", nearestAspect(model, size));
    }
    if (startImage.isPresent()) {
      if (!properties.has("start_image_url")) {
        throw new Refused(
            "input_reference", model.id() + " takes no start image; use an image-to-video model");
      }
      input.put("start_image_url", startImage.get());
    }
    return input;
  }

  /** The model's aspect ratio closest to {@code WxH}. */
  private static String nearestAspect(ModelDefinition model, String size) {
    JsonNode ratios = model.inputSchema().path("properties").path("aspect_ratio").path("enum");
    if (!ratios.isArray() || ratios.isEmpty()) {
      throw new Refused(
          "size", model.id() + " has no aspect ratio to set (its video takes the start image's)");
    }
    double wanted =
        ratio(size, "x")
            .orElseThrow(
                () -> new Refused("size", "size must be WIDTHxHEIGHT, e.g. 1280x720, got " + size));
    String best = null;
    double bestDistance = Double.MAX_VALUE;
    for (JsonNode candidate : ratios) {
      Optional<Double> r = ratio(candidate.asString(), ":");
      if (r.isPresent()) {
        double distance = Math.abs(Math.log(r.get()) - Math.log(wanted));
        if (distance < bestDistance) {
          bestDistance = distance;
          best = candidate.asString();
        }
      }
    }
    if (best == null) {
      throw new Refused("size", model.id() + " has no aspect ratio to set");
    }
    return best;
  }

  private static Optional<Double> ratio(String text, String separator) {
    String[] parts = text.strip().split(java.util.regex.Pattern.quote(separator));
    try {
      double w = Double.parseDouble(parts[0]);
      double h = Double.parseDouble(parts[1]);
      return w > 0 && h > 0 ? Optional.of(w / h) : Optional.empty();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The parameter a Kino input field came from, for an error's {@code param}. */
  public static String param(String kinoPath) {
    String top = kinoPath.split("[.\\[]")[0];
    return switch (top) {
      case "duration" -> "seconds";
      case "aspect_ratio" -> "size";
      case "start_image_url" -> "input_reference";
      default -> kinoPath;
    };
  }

  /** The video object of a job. */
  public static ObjectNode video(Job job, Optional<String> remixedFrom) {
    ObjectNode video = JsonMapper.shared().createObjectNode();
    video.put("id", job.id());
    video.put("object", "video");
    video.put("model", job.modelId());
    video.put("status", status(job.state()));
    video.put("progress", progress(job));
    JsonNode input = job.input();
    video.put(
        "seconds", input.path("duration").isNumber() ? input.path("duration").asString() : null);
    video.put("size", size(input.path("aspect_ratio").asString("")));
    video.put("prompt", input.path("prompt").isString() ? input.path("prompt").asString() : null);
    video.put("created_at", job.createdAt().getEpochSecond());
    if (job.state().isFinal()) {
      video.put("completed_at", job.finishedAt().map(t -> t.getEpochSecond()).orElse(null));
    } else {
      video.putNull("completed_at");
    }
    video.putNull("expires_at"); // Kino keeps outputs until they are deleted
    if (job.state() == JobState.FAILED && job.error().isPresent()) {
      ObjectNode error = video.putObject("error");
      error.put("code", job.error().get().code());
      error.put("message", job.error().get().message());
    } else if (job.state() == JobState.CANCELLED) {
      ObjectNode error = video.putObject("error");
      error.put("code", "cancelled");
      error.put("message", "the request was cancelled");
    } else {
      video.putNull("error");
    }
    video.put("remixed_from_video_id", remixedFrom.orElse(null));
    return video;
  }

  /** OpenAI's four states; a cancelled job is a failed video whose error says so. */
  public static String status(JobState state) {
    return switch (state) {
      case IN_QUEUE -> "queued";
      case IN_PROGRESS -> "in_progress";
      case COMPLETED -> "completed";
      case FAILED, CANCELLED -> "failed";
    };
  }

  private static int progress(Job job) {
    return switch (job.state()) {
      case COMPLETED -> 100;
      case IN_PROGRESS -> (int) Math.round(job.progress().orElse(0.0) * 100);
      default -> 0;
    };
  }

  private static String size(String aspect) {
    return switch (aspect) {
      case "16:9" -> "1280x720";
      case "9:16" -> "720x1280";
      case "1:1" -> "720x720";
      default -> null;
    };
  }

  /** OpenAI's error body: {@code {"error": {message, type, param, code}}}. */
  public static ObjectNode error(int status, String code, String message, String param) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", message);
    error.put("type", type(status));
    error.put("param", param);
    error.put("code", code);
    return body;
  }

  private static String type(int status) {
    return switch (status) {
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }
}
