package dev.kino.api;

import dev.kino.dialects.ModelNames;
import dev.kino.dialects.replicate.Predictions;
import dev.kino.inputs.InputException;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobError;
import dev.kino.jobs.JobEvent;
import dev.kino.jobs.JobLog;
import dev.kino.jobs.JobQuery;
import dev.kino.jobs.JobRequests;
import dev.kino.models.FieldProblem;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.requests.Cancellations;
import dev.kino.requests.RequestStatus;
import dev.kino.requests.Submissions;
import dev.kino.uploads.Upload;
import dev.kino.uploads.Uploads;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Replicate's predictions API under {@code /replicate/v1} (what the official {@code replicate}
 * client calls with its {@code baseUrl} set to it): predictions by model or version, get, list,
 * cancel, files, and the model with its schema. {@code Prefer: wait[=n]} holds the answer up to n
 * seconds (60 at most); an answer that ends before the job says {@code starting}.
 */
final class ReplicateRoutes {
  static final String PREFIX = "/replicate/";
  private static final Duration MAX_WAIT = Duration.ofSeconds(60);
  private static final Pattern PREFER_WAIT = Pattern.compile("(?i)\\bwait(?:\\s*=\\s*(\\d+))?");
  private static final int PAGE = 100;

  private final ModelCatalog catalog;
  private final Submissions submissions;
  private final JobRequests jobs;
  private final JobLog log;
  private final EventHub hub;
  private final Cancellations cancellations;
  private final OwnedRequests owned;
  private final Uploads uploads;
  private final Links links;

  ReplicateRoutes(Dialects parts) {
    this.catalog = parts.catalog();
    this.submissions = parts.submissions();
    this.jobs = parts.store().requests();
    this.log = parts.store().log();
    this.hub = parts.hub();
    this.cancellations = parts.cancellations();
    this.owned = new OwnedRequests(jobs);
    this.uploads = parts.uploads();
    this.links = parts.links();
  }

  /** {@code POST /models/{owner}/{name}/predictions}. */
  void createForModel(Context ctx) throws InterruptedException {
    create(
        ctx,
        model(ctx, ctx.pathParam("owner") + "/" + ctx.pathParam("name")),
        RequestBodies.json(ctx));
  }

  /**
   * {@code POST /predictions} with {@code version}: a version id, a Kino model id or a two-segment
   * name.
   */
  void createForVersion(Context ctx) throws InterruptedException {
    JsonNode body = RequestBodies.json(ctx);
    JsonNode version = body.path("version");
    if (!version.isString() || version.asString().isBlank()) {
      throw refused("version", "version is required: a model's latest_version.id, or its name");
    }
    String wanted = version.asString();
    String name = wanted.contains(":") ? wanted.substring(0, wanted.indexOf(':')) : wanted;
    Optional<Model> byVersion =
        catalog.all().stream().filter(m -> Predictions.version(m.id()).equals(wanted)).findFirst();
    create(ctx, byVersion.orElseGet(() -> model(ctx, name)), body);
  }

  private void create(Context ctx, Model model, JsonNode body) throws InterruptedException {
    Authenticator.caller(ctx).requireModel(model.id());
    JsonNode input = body.path("input");
    if (!input.isObject()) {
      throw refused("input", "input is required: an object of the model's input fields");
    }
    Job job = submissions.submit(links.submission(ctx, model, withWebhook(input, body))).job();
    Optional<Duration> wait = preferredWait(ctx.header("Prefer"));
    if (wait.isPresent()) {
      ctx.header("Preference-Applied", "wait=" + wait.get().toSeconds());
      job = waitFor(job, wait.get());
      answer(ctx, 201, job, !job.state().isFinal());
      return;
    }
    answer(ctx, 201, job, false);
  }

  /**
   * Replicate's {@code webhook} and {@code webhook_events_filter} as Kino's webhook fields: the
   * prediction is sent when it ends, and at its start when the filter has {@code start} ({@code
   * output} and {@code logs} events are not sent: a video model's output comes at the end).
   */
  private static JsonNode withWebhook(JsonNode input, JsonNode body) {
    JsonNode webhook = body.path("webhook");
    if (!webhook.isString()) {
      return input;
    }
    boolean onStart = false;
    JsonNode filter = body.path("webhook_events_filter");
    if (filter.isArray()) {
      for (JsonNode event : filter) {
        String name = event.asString("");
        if (!List.of("start", "output", "logs", "completed").contains(name)) {
          throw refused(
              "webhook_events_filter", "events are start, output, logs and completed; got " + name);
        }
        onStart |= name.equals("start");
      }
    }
    ObjectNode copy = ((ObjectNode) input).deepCopy();
    copy.put("webhook_url", webhook.asString());
    copy.put("webhook_on_start", onStart);
    copy.put("webhook_format", "replicate");
    return copy;
  }

  void get(Context ctx) {
    answer(ctx, 200, owned.find(ctx, "prediction_id"), false);
  }

  /** {@code GET /predictions?cursor=}: newest first, {@code next} the URL of the following page. */
  void list(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    Optional<Long> before =
        Optional.ofNullable(ctx.queryParam("cursor"))
            .filter(c -> !c.isBlank())
            .map(c -> Paging.seq("cursor", c));
    List<Job> page =
        jobs.list(
            new JobQuery(caller.ownerId(), Optional.empty(), Optional.empty(), before, PAGE + 1));
    String base = links.base(ctx);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ArrayNode results = body.putArray("results");
    page.stream().limit(PAGE).forEach(job -> results.add(prediction(base, job, false)));
    body.put(
        "next",
        page.size() > PAGE
            ? base + "/replicate/v1/predictions?cursor=" + Paging.cursor(page.get(PAGE - 1).seq())
            : null);
    body.putNull("previous");
    Responses.json(ctx, 200, body);
  }

  /**
   * {@code GET /predictions/{id}/stream}: Replicate's Server-Sent Events: {@code logs} for each
   * engine log line, then {@code output} (each file's URL) or {@code error}, then {@code done}
   * ({@code {"reason": "canceled"}} for a cancelled one).
   */
  void stream(Context ctx) throws InterruptedException {
    Job job = owned.find(ctx, "prediction_id");
    String base = links.base(ctx);
    jakarta.servlet.http.HttpServletResponse response = EventStreams.sse(ctx.res());
    long after = 0;
    try (EventHub.Watch watch = hub.watch(job.id())) {
      jakarta.servlet.ServletOutputStream out = response.getOutputStream();
      while (!hub.isClosed()) {
        List<JobEvent> events = log.events(job.id(), after, 200);
        for (JobEvent event : events) {
          after = event.seq();
          if (event.kind() == JobEvent.Kind.LOG) {
            send(out, "logs", event.data().path("message").asString());
          } else if (event.isFinal()) {
            finish(out, jobs.find(job.id()).orElse(job), base);
            return;
          }
        }
        out.flush();
        if (events.isEmpty()) {
          Job now = jobs.find(job.id()).orElse(job);
          if (now.state().isFinal()) {
            finish(out, now, base);
            return;
          }
          if (!watch.await(Duration.ofSeconds(15))) {
            out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
          }
        }
      }
    } catch (IOException clientLeft) {
      // the client stopped listening
    }
  }

  private void finish(jakarta.servlet.ServletOutputStream out, Job job, String base)
      throws IOException {
    switch (job.state()) {
      case COMPLETED -> {
        for (String url : Predictions.outputUrls(job, key -> links.file(base, key))) {
          send(out, "output", url);
        }
        send(out, "done", "{}");
      }
      case FAILED -> {
        send(out, "error", job.error().map(JobError::summary).orElse("failed"));
        send(out, "done", "{}");
      }
      default -> send(out, "done", "{\"reason\": \"canceled\"}");
    }
    out.flush();
  }

  private static void send(jakarta.servlet.ServletOutputStream out, String event, String data)
      throws IOException {
    StringBuilder frame = new StringBuilder("event: ").append(event).append('\n');
    for (String line : data.split("\n", -1)) {
      frame.append("data: ").append(line).append('\n');
    }
    out.write(frame.append('\n').toString().getBytes(StandardCharsets.UTF_8));
  }

  void cancel(Context ctx) throws InterruptedException {
    Job job = cancellations.cancel(owned.find(ctx, "prediction_id")).job();
    answer(ctx, 200, jobs.find(job.id()).orElse(job), false);
  }

  /** {@code POST /files}: the multipart field {@code content}, kept as the caller's upload. */
  void createFile(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    UploadedFile file = ctx.isMultipartFormData() ? ctx.uploadedFile("content") : null;
    if (file == null) {
      throw refused("content", "send the file as the multipart field content");
    }
    Upload upload;
    try (InputStream in = file.content()) {
      upload = uploads.accept(caller.ownerId(), file.filename(), in);
    } catch (InputException e) {
      throw refused("content", e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String url = links.upload(links.base(ctx), upload.id());
    Responses.json(
        ctx,
        201,
        Predictions.file(
            upload.id(),
            upload.filename(),
            upload.contentType(),
            upload.bytes(),
            upload.sha256(),
            upload.createdAt(),
            Optional.of(upload.expiresAt()),
            url));
  }

  void model(Context ctx) {
    Model model = model(ctx, ctx.pathParam("owner") + "/" + ctx.pathParam("name"));
    Authenticator.caller(ctx).requireModel(model.id());
    Responses.json(ctx, 200, Predictions.model(model.definition(), links.base(ctx)));
  }

  private Model model(Context ctx, String name) {
    return ModelNames.find(catalog, name)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "model_not_found",
                    "no model "
                        + name
                        + " on this server; GET /v1/models lists them (replicate_name)"));
  }

  /** Holds until the job ends or the wait is over, woken by the job's own news. */
  private Job waitFor(Job job, Duration wait) throws InterruptedException {
    Instant until = Instant.now().plus(wait);
    try (EventHub.Watch watch = hub.watch(job.id())) {
      Job now = jobs.find(job.id()).orElse(job);
      while (!now.state().isFinal() && Instant.now().isBefore(until)) {
        Duration left = Duration.between(Instant.now(), until);
        watch.await(left.compareTo(Duration.ofSeconds(1)) < 0 ? left : Duration.ofSeconds(1));
        now = jobs.find(job.id()).orElse(now);
      }
      return now;
    }
  }

  private void answer(Context ctx, int status, Job job, boolean starting) {
    Responses.json(ctx, status, prediction(links.base(ctx), job, starting));
  }

  private ObjectNode prediction(String base, Job job, boolean starting) {
    return prediction(log, links, base, job, starting);
  }

  /** A job's prediction with its latest log lines and links on {@code base} (also for webhooks). */
  static ObjectNode prediction(JobLog log, Links links, String base, Job job, boolean starting) {
    List<String> lines =
        log.recentLogs(job.id(), RequestStatus.LOG_LINES).stream()
            .map(JobEvent::data)
            .map(d -> d.path("message").asString())
            .toList();
    return Predictions.prediction(
        job,
        base,
        links.replicateStream(base, job.id(), job.owner()),
        lines,
        key -> links.file(base, key),
        starting);
  }

  /** {@code Prefer: wait} (60 s) or {@code wait=n} (n seconds, at most 60). */
  static Optional<Duration> preferredWait(String prefer) {
    if (prefer == null) {
      return Optional.empty();
    }
    Matcher m = PREFER_WAIT.matcher(prefer);
    if (!m.find()) {
      return Optional.empty();
    }
    Duration asked = m.group(1) == null ? MAX_WAIT : Duration.ofSeconds(Long.parseLong(m.group(1)));
    return Optional.of(asked.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : asked);
  }

  private static ApiException refused(String field, String message) {
    return new ApiException(
        422,
        422001,
        "invalid_input",
        message,
        List.of(new FieldProblem(field, "required", message)));
  }
}
