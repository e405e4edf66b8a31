package dev.kino.api;

import dev.kino.dialects.ModelNames;
import dev.kino.dialects.openai.OpenAiVideos;
import dev.kino.dialects.openai.VideoRemixes;
import dev.kino.inputs.InputException;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobQuery;
import dev.kino.jobs.JobRequests;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.requests.OutputDeletions;
import dev.kino.requests.Submissions;
import dev.kino.storage.FileStore;
import dev.kino.uploads.Upload;
import dev.kino.uploads.Uploads;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI's Videos API under {@code /openai/v1} (what the official {@code openai} SDK calls with its
 * base URL set to it): create (multipart, as the SDK sends it, or JSON), retrieve, list, delete,
 * content and remix. Every video is an ordinary Kino job with the same id, keys, limits, usage and
 * events; {@link OpenAiVideos} translates the shapes, and errors come in OpenAI's shape (see {@link
 * ErrorBodies}).
 */
final class OpenAiRoutes {
  static final String PREFIX = "/openai/";
  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  private final ModelCatalog catalog;
  private final Submissions submissions;
  private final JobRequests jobs;
  private final OwnedRequests owned;
  private final Uploads uploads;
  private final FileStore files;
  private final OutputDeletions deletions;
  private final VideoRemixes remixes;
  private final Links links;

  OpenAiRoutes(Dialects parts) {
    this.catalog = parts.catalog();
    this.submissions = parts.submissions();
    this.jobs = parts.store().requests();
    this.owned = new OwnedRequests(jobs);
    this.uploads = parts.uploads();
    this.files = parts.files();
    this.deletions = new OutputDeletions(jobs, files, parts.clock());
    this.remixes = parts.remixes();
    this.links = parts.links();
  }

  void create(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    Map<String, String> fields = new LinkedHashMap<>();
    Optional<String> image;
    if (ctx.isMultipartFormData()) {
      ctx.formParamMap()
          .forEach(
              (name, values) -> values.stream().findFirst().ifPresent(v -> fields.put(name, v)));
      UploadedFile file = ctx.uploadedFile("input_reference");
      // The SDK sends an object as bracketed form fields: input_reference[image_url]=...
      ObjectNode reference = JsonMapper.shared().createObjectNode();
      for (String part : List.of("image_url", "file_id")) {
        Optional.ofNullable(fields.remove("input_reference[" + part + "]"))
            .ifPresent(v -> reference.put(part, v));
      }
      fields.remove("input_reference");
      image =
          file != null
              ? Optional.of(uploaded(ctx, caller, file))
              : reference.isEmpty() ? Optional.empty() : reference(ctx, caller, reference);
    } else {
      JsonNode body = RequestBodies.json(ctx);
      image = reference(ctx, caller, body.path("input_reference"));
      body.properties()
          .forEach(
              e -> {
                if (!e.getKey().equals("input_reference") && !e.getValue().isNull()) {
                  fields.put(
                      e.getKey(),
                      e.getValue().isString() ? e.getValue().asString() : e.getValue().toString());
                }
              });
    }
    Model model = model(caller, fields.remove("model"));
    ObjectNode input = OpenAiVideos.input(model.definition(), fields, image);
    Job job = submit(ctx, model, input);
    Responses.json(ctx, 200, OpenAiVideos.video(job, Optional.empty()));
  }

  void retrieve(Context ctx) {
    Job job = owned.find(ctx, "video_id");
    Responses.json(ctx, 200, OpenAiVideos.video(job, remixes.sourceOf(job.id())));
  }

  /** {@code GET /videos?after=&limit=&order=}: newest first by default, a cursor page. */
  void list(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    int limit = Paging.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    String order = Optional.ofNullable(ctx.queryParam("order")).orElse("desc");
    if (!order.equals("asc") && !order.equals("desc")) {
      throw new ApiException(
          400,
          400002,
          "invalid_parameter",
          "order must be asc or desc, got " + order,
          List.of(new dev.kino.models.FieldProblem("order", "enum", "asc or desc")));
    }
    boolean ascending = order.equals("asc");
    String after = ctx.queryParam("after");
    Optional<Long> cursor = Optional.empty();
    if (after != null && !after.isBlank()) {
      Job from =
          jobs.find(after)
              .filter(j -> j.owner().equals(caller.ownerId()))
              .orElseThrow(
                  () -> ApiException.notFound("video_not_found", "no video for after=" + after));
      cursor = Optional.of(from.seq());
    }
    JobQuery query =
        new JobQuery(
            caller.ownerId(),
            Optional.empty(),
            Optional.empty(),
            ascending ? Optional.empty() : cursor,
            limit + 1,
            ascending,
            ascending ? cursor : Optional.empty());
    List<Job> page = jobs.list(query);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    List<Job> shown = page.stream().limit(limit).toList();
    Map<String, String> sources = remixes.sourcesOf(shown.stream().map(Job::id).toList());
    shown.forEach(
        job -> data.add(OpenAiVideos.video(job, Optional.ofNullable(sources.get(job.id())))));
    body.put("first_id", shown.isEmpty() ? null : shown.getFirst().id());
    body.put("last_id", shown.isEmpty() ? null : shown.getLast().id());
    body.put("has_more", page.size() > limit);
    Responses.json(ctx, 200, body);
  }

  /** Deletes a finished video's stored files; the record stays (its status says how it ended). */
  void delete(Context ctx) {
    Job job = owned.find(ctx, "video_id");
    if (!job.state().isFinal()) {
      throw new ApiException(
          400,
          400002,
          "video_not_finished",
          "video "
              + job.id()
              + " is "
              + OpenAiVideos.status(job.state())
              + "; only a completed or failed video can be deleted");
    }
    try {
      deletions.delete(job);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("id", job.id());
    body.put("object", "video.deleted");
    body.put("deleted", true);
    Responses.json(ctx, 200, body);
  }

  /** {@code GET /videos/{id}/content?variant=video|thumbnail}: the bytes. */
  void content(Context ctx) {
    Job job = owned.find(ctx, "video_id");
    String variant = Optional.ofNullable(ctx.queryParam("variant")).orElse("video");
    String field =
        switch (variant) {
          case "video" -> "video";
          case "thumbnail" -> "image";
          default ->
              throw new ApiException(
                  400,
                  400002,
                  "invalid_parameter",
                  "variant " + variant + " is not served here; ask for video or thumbnail",
                  List.of(
                      new dev.kino.models.FieldProblem("variant", "enum", "video or thumbnail")));
        };
    Optional<String> key =
        job.output()
            .filter(o -> job.outputsDeletedAt().isEmpty())
            .map(o -> o.path(field))
            .filter(JsonNode::isString)
            .map(JsonNode::asString);
    if (key.isEmpty()) {
      throw ApiException.notFound(
          "content_not_found",
          "video "
              + job.id()
              + " has no "
              + variant
              + " (it is "
              + job.state().wire()
              + (job.outputsDeletedAt().isPresent() ? ", outputs deleted" : "")
              + ")");
    }
    FileRoutes.serve(
        ctx,
        files
            .find(key.get())
            .orElseThrow(() -> ApiException.notFound("content_not_found", "the file is gone")));
  }

  /** A new video from a finished one's model and input with a new prompt. */
  void remix(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    Job source = owned.find(ctx, "video_id");
    JsonNode body = ctx.isMultipartFormData() ? formBody(ctx) : RequestBodies.json(ctx);
    JsonNode prompt = body.path("prompt");
    if (!prompt.isString() || prompt.asString().isBlank()) {
      throw new OpenAiVideos.Refused("prompt", "prompt is required: the remix's new prompt");
    }
    if (source.state() != dev.kino.jobs.JobState.COMPLETED) {
      throw new ApiException(
          400,
          400002,
          "video_not_completed",
          "video " + source.id() + " is not completed; only a completed video can be remixed");
    }
    Model model = model(caller, source.modelId());
    ObjectNode input = source.input().deepCopy();
    input.put("prompt", prompt.asString());
    input.remove("seed");
    Job job = submit(ctx, model, input);
    remixes.record(job.id(), source.id());
    Responses.json(ctx, 200, OpenAiVideos.video(job, Optional.of(source.id())));
  }

  private Job submit(Context ctx, Model model, ObjectNode input) {
    return submissions.submit(links.submission(ctx, model, input)).job();
  }

  /** A Kino model id, or its two-segment name ({@code kling/kling-3.0-standard-text-to-video}). */
  private Model model(Caller caller, String id) {
    if (id == null || id.isBlank()) {
      throw new OpenAiVideos.Refused(
          "model",
          "model is required: a Kino model id such as kling/kling-3.0/standard/text-to-video");
    }
    Model model =
        ModelNames.find(catalog, id)
            .orElseThrow(
                () -> new OpenAiVideos.Refused("model", "no model " + id + " on this server"));
    caller.requireModel(model.id());
    return model;
  }

  /** {@code input_reference} as JSON: {@code {"image_url": ...}} or {@code {"file_id": ...}}. */
  private Optional<String> reference(Context ctx, Caller caller, JsonNode reference) {
    if (reference.isMissingNode() || reference.isNull()) {
      return Optional.empty();
    }
    if (reference.path("image_url").isString()) {
      return Optional.of(reference.path("image_url").asString());
    }
    if (reference.path("file_id").isString()) {
      Upload upload =
          uploads
              .find(reference.path("file_id").asString(), caller.ownerId())
              .orElseThrow(
                  () ->
                      new OpenAiVideos.Refused(
                          "input_reference",
                          "no uploaded file " + reference.path("file_id").asString()));
      return Optional.of(uploadUrl(ctx, upload));
    }
    throw new OpenAiVideos.Refused(
        "input_reference",
        "input_reference must be a file, or {\"image_url\": ...} or {\"file_id\": ...}");
  }

  /** A file part kept as the caller's upload (the engine reads it as any upload). */
  private String uploaded(Context ctx, Caller caller, UploadedFile file) {
    try (InputStream in = file.content()) {
      return uploadUrl(ctx, uploads.accept(caller.ownerId(), file.filename(), in));
    } catch (InputException e) {
      throw new OpenAiVideos.Refused("input_reference", e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String uploadUrl(Context ctx, Upload upload) {
    return links.upload(links.base(ctx), upload.id());
  }

  private static JsonNode formBody(Context ctx) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ctx.formParamMap()
        .forEach((name, values) -> values.stream().findFirst().ifPresent(v -> body.put(name, v)));
    return body;
  }
}
