package dev.kino.api;

import dev.kino.dialects.fal.FalQueue;
import dev.kino.jobs.CancelOutcome;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobLog;
import dev.kino.jobs.JobRequests;
import dev.kino.jobs.JobState;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.requests.Cancellations;
import dev.kino.requests.RequestStatus;
import dev.kino.requests.Submissions;
import dev.kino.storage.FileStore;
import dev.kino.storage.StoredFile;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * fal's queue under {@code /fal/queue/} with the paths of {@code queue.fal.run} (and, through
 * {@code /fal/proxy}, its proxy convention: see {@link RequestDispatch}): submit to the model's
 * endpoint id, then status (polled, or as a Server-Sent Events stream), result and cancel under the
 * app part of the id. {@code Authorization: Key <kino key>} or Bearer.
 */
final class FalRoutes {
  static final String PREFIX = "/fal/";
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final ModelCatalog catalog;
  private final Submissions submissions;
  private final JobRequests jobs;
  private final JobLog log;
  private final EventHub hub;
  private final Cancellations cancellations;
  private final OwnedRequests owned;
  private final FileStore files;
  private final dev.kino.uploads.Uploads uploads;
  private final Links links;

  FalRoutes(Dialects parts) {
    this.catalog = parts.catalog();
    this.submissions = parts.submissions();
    this.jobs = parts.store().requests();
    this.log = parts.store().log();
    this.hub = parts.hub();
    this.cancellations = parts.cancellations();
    this.owned = new OwnedRequests(jobs);
    this.files = parts.files();
    this.uploads = parts.uploads();
    this.links = parts.links();
  }

  /** {@code POST /fal/queue/{model id}}: the body is the model's input. */
  void submit(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    String id = ctx.pathParam("model_id");
    Model model =
        catalog
            .find(id)
            .orElseThrow(
                () ->
                    ApiException.notFound("model_not_found", "no model " + id + " on this server"));
    caller.requireModel(model.id());
    JsonNode body = RequestBodies.json(ctx);
    String webhook = ctx.queryParam("fal_webhook");
    if (webhook != null && body.isObject()) {
      // fal's webhook: called once the request ends, with fal's payload.
      ObjectNode withWebhook = ((ObjectNode) body).deepCopy();
      withWebhook.put("webhook_url", webhook);
      withWebhook.put("webhook_format", "fal");
      body = withWebhook;
    }
    Job job = submissions.submit(links.submission(ctx, model, body)).job();
    ctx.header("x-fal-request-id", job.id());
    Responses.json(ctx, 200, status(ctx, job, false));
  }

  /** {@code GET .../requests/{id}/status?logs=1}. */
  void status(Context ctx) {
    Job job = job(ctx);
    Responses.json(ctx, 200, status(ctx, job, "1".equals(ctx.queryParam("logs"))));
  }

  /** {@code GET .../requests/{id}/status/stream}: a status event per change, until COMPLETED. */
  void statusStream(Context ctx) throws InterruptedException {
    Job job = job(ctx);
    boolean logs = "1".equals(ctx.queryParam("logs"));
    HttpServletResponse response = EventStreams.sse(ctx.res());
    response.setHeader("x-fal-request-id", job.id());
    try (EventHub.Watch watch = hub.watch(job.id())) {
      ServletOutputStream out = response.getOutputStream();
      String last = "";
      while (!hub.isClosed()) {
        Job now = jobs.find(job.id()).orElse(job);
        String frame = JsonMapper.shared().writeValueAsString(status(ctx, now, logs));
        if (!frame.equals(last)) {
          out.write(("data: " + frame + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          last = frame;
        }
        if (now.state().isFinal()) {
          return;
        }
        if (!watch.await(KEEP_ALIVE)) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    } catch (IOException clientLeft) {
      // the client stopped listening; it can poll the status instead
    }
  }

  /**
   * {@code GET .../requests/{id}}: a completed request's result; a failed or cancelled one's error,
   * as fal answers it; an unfinished one's refusal.
   */
  void result(Context ctx) {
    Job job = job(ctx);
    ctx.header("x-fal-request-id", job.id());
    switch (job.state()) {
      case COMPLETED -> {
        String base = links.base(ctx);
        Responses.json(
            ctx,
            200,
            FalQueue.result(
                job,
                FalQueue.video(
                    job,
                    key -> links.file(base, key),
                    key -> files.find(key).map(StoredFile::size).orElse(0L))));
      }
      case FAILED -> Responses.json(ctx, 500, FalQueue.error(FalQueue.failure(job)));
      case CANCELLED -> Responses.json(ctx, 400, FalQueue.error(FalQueue.failure(job)));
      default ->
          Responses.json(
              ctx,
              400,
              FalQueue.error(
                  "the request is still " + job.state().wire() + "; ask again when COMPLETED"));
    }
  }

  /** {@code PUT .../requests/{id}/cancel}: 202 when asked in time, 400 once it has ended. */
  void cancel(Context ctx) throws InterruptedException {
    Job job = job(ctx);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    if (job.state().isFinal()) {
      body.put("status", "ALREADY_COMPLETED");
      Responses.json(ctx, 400, body);
      return;
    }
    Cancellations.Cancelled cancelled = cancellations.cancel(job);
    boolean stopped =
        cancelled.outcome() == CancelOutcome.CANCELLED
            || cancelled.job().state() == JobState.CANCELLED;
    body.put("status", stopped ? "CANCELLATION_REQUESTED" : "ALREADY_COMPLETED");
    Responses.json(ctx, stopped ? 202 : 400, body);
  }

  /**
   * {@code POST /fal/storage/upload/initiate} (proxied from {@code rest.fal.ai}): where the client
   * is to {@code PUT} a {@code Blob} input, and the URL the file will have: a Kino upload of the
   * caller's, chosen now.
   */
  void initiateUpload(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    JsonNode body = RequestBodies.json(ctx);
    String name = body.path("file_name").asString("upload");
    UUID id = UUID.randomUUID();
    String base = links.base(ctx);
    ObjectNode answer = JsonMapper.shared().createObjectNode();
    answer.put("upload_url", links.falUpload(base, id.toString(), caller.ownerId(), name));
    answer.put("file_url", links.upload(base, id.toString()));
    Responses.json(ctx, 200, answer);
  }

  /** {@code PUT /fal/storage/upload/{id}?name=&token=}: the bytes, kept as the upload. */
  void upload(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    UUID id;
    try {
      id = UUID.fromString(ctx.pathParam("upload_id"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badIdentifier("upload id", ctx.pathParam("upload_id"));
    }
    try (java.io.InputStream in = ctx.bodyInputStream()) {
      uploads.accept(id, caller.ownerId(), ctx.queryParam("name"), in);
    } catch (dev.kino.inputs.InputException e) {
      throw new ApiException(400, 400006, e.code(), e.getMessage());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ctx.status(200).contentType("application/json").result("{}");
  }

  private Job job(Context ctx) {
    Job job = owned.find(ctx, "request_id");
    String app = ctx.pathParam("owner") + "/" + ctx.pathParam("alias");
    if (!FalQueue.app(job.modelId()).equals(app)) {
      throw ApiException.notFound("request_not_found", "no request " + job.id() + " for " + app);
    }
    return job;
  }

  private ObjectNode status(Context ctx, Job job, boolean withLogs) {
    OptionalLong position =
        job.state() == JobState.IN_QUEUE
            ? OptionalLong.of(jobs.queuePosition(job))
            : OptionalLong.empty();
    return FalQueue.status(
        links.base(ctx),
        job,
        position,
        withLogs
            ? Optional.of(log.recentLogs(job.id(), RequestStatus.LOG_LINES))
            : Optional.empty());
  }

  static List<String[]> problems(ApiException e) {
    return e.problems.stream().map(p -> new String[] {p.path(), p.code(), p.message()}).toList();
  }
}
