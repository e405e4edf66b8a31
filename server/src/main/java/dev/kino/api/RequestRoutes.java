package dev.kino.api;

import dev.kino.jobs.CancelOutcome;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobQuery;
import dev.kino.jobs.JobState;
import dev.kino.jobs.JobStore;
import dev.kino.models.FieldProblem;
import dev.kino.storage.FileStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Status, result, cancel, listing and output deletion of the caller's requests. */
final class RequestRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(RequestRoutes.class);
  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  private final JobStore store;
  private final JobViews views;
  private final Links links;
  private final OwnedRequests owned;
  private final FileStore files;
  private final EventHub hub;
  private final Predicate<String> cancelsRunningJobs;
  private final Clock clock;

  RequestRoutes(
      JobStore store,
      JobViews views,
      Links links,
      FileStore files,
      EventHub hub,
      Predicate<String> cancelsRunningJobs,
      Clock clock) {
    this.hub = hub;
    this.cancelsRunningJobs = cancelsRunningJobs;
    this.store = store;
    this.views = views;
    this.links = links;
    this.owned = new OwnedRequests(store);
    this.files = files;
    this.clock = clock;
  }

  void status(Context ctx) {
    Responses.json(ctx, 200, views.status(links.base(ctx), owned.find(ctx)));
  }

  void result(Context ctx) {
    Responses.json(ctx, 200, views.result(links.base(ctx), owned.find(ctx)));
  }

  /**
   * A queued job is cancelled at once (the seed API's rule). A running one is stopped too when its
   * engine can stop it (ComfyUI, upstream providers): the worker is asked, and the answer waits for
   * the job to end, up to {@link #RUNNING_CANCEL_WAIT}; it says {@code cancelled} only if it did,
   * {@code not_cancellable} as soon as the engine withdraws the request.
   */
  void cancel(Context ctx) throws InterruptedException {
    Job job = owned.find(ctx);
    CancelOutcome outcome = store.cancel(job.id(), clock.instant());
    if (outcome == CancelOutcome.NOT_CANCELLABLE && cancelsRunningJobs.test(job.modelId())) {
      outcome = cancelRunning(job.id());
    }
    Job now = store.find(job.id()).orElse(job);
    Responses.json(ctx, 200, views.cancelled(now, outcome.wire()));
  }

  static final Duration RUNNING_CANCEL_WAIT = Duration.ofSeconds(20);

  private CancelOutcome cancelRunning(String id) throws InterruptedException {
    try (EventHub.Watch watch = hub.watch(id)) {
      if (!store.requestCancel(id, clock.instant())) {
        return CancelOutcome.NOT_CANCELLABLE;
      }
      long deadline = System.nanoTime() + RUNNING_CANCEL_WAIT.toNanos();
      while (System.nanoTime() < deadline) {
        Optional<Job> job = store.find(id);
        if (job.isEmpty() || job.get().state().isFinal()) {
          return job.isPresent() && job.get().state() == JobState.CANCELLED
              ? CancelOutcome.CANCELLED
              : CancelOutcome.NOT_CANCELLABLE;
        }
        if (!job.get().cancelRequested()) {
          return CancelOutcome
              .NOT_CANCELLABLE; // its engine could not stop it (an upstream provider had started
          // it)
        }
        watch.await(Duration.ofMillis(500));
      }
      return CancelOutcome.NOT_CANCELLABLE;
    }
  }

  /**
   * {@code GET /v1/requests?status=&model=&limit=&cursor=}: the caller's requests, newest first.
   */
  void list(Context ctx) {
    int limit = Paging.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Optional<JobState> state =
        Optional.ofNullable(ctx.queryParam("status"))
            .filter(s -> !s.isBlank())
            .map(RequestRoutes::state);
    Optional<String> model = Optional.ofNullable(ctx.queryParam("model")).filter(m -> !m.isBlank());
    Optional<Long> before =
        Optional.ofNullable(ctx.queryParam("cursor"))
            .filter(c -> !c.isBlank())
            .map(RequestRoutes::cursor);
    String owner = Authenticator.caller(ctx).ownerId();
    // One more than asked tells whether another page exists.
    List<Job> page = store.list(new JobQuery(owner, state, model, before, limit + 1));
    String base = links.base(ctx);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ArrayNode requests = body.putArray("requests");
    page.stream().limit(limit).forEach(job -> requests.add(views.summary(base, job)));
    if (page.size() > limit) {
      body.put("next_cursor", encodeCursor(page.get(limit - 1).seq()));
    } else {
      body.putNull("next_cursor");
    }
    body.put("limit", limit);
    Responses.json(ctx, 200, body);
  }

  /**
   * {@code DELETE /v1/requests/{id}}: removes a finished request's stored outputs (the record
   * stays, so its status still says how it ended). Queued and running requests are refused: cancel
   * them first.
   */
  void delete(Context ctx) {
    Job job = owned.find(ctx);
    if (!job.state().isFinal()) {
      throw new ApiException(
          409,
          409001,
          "request_not_finished",
          "request "
              + job.id()
              + " is "
              + job.state().wire()
              + "; only a finished request's outputs can be deleted (cancel it first)");
    }
    int deleted = 0;
    for (String key : outputKeys(job)) {
      try {
        files.delete(key);
        deleted++;
      } catch (IOException e) {
        LOG.warn("could not delete output {} of request {}: {}", key, job.id(), e.getMessage());
        throw new ApiException(
            500, 500002, "delete_failed", "some outputs could not be deleted; try again");
      }
    }
    store.markOutputsDeleted(job.id(), clock.instant());
    Job now = store.find(job.id()).orElse(job);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", now.id());
    body.put("status", now.state().wire());
    body.put("deleted_files", deleted);
    now.outputsDeletedAt().ifPresent(t -> body.put("outputs_deleted_at", t.toString()));
    Responses.json(ctx, 200, body);
  }

  private static Set<String> outputKeys(Job job) {
    Set<String> keys = new LinkedHashSet<>();
    if (job.outputsDeletedAt().isEmpty()) {
      job.output().ifPresent(output -> output.values().forEach(v -> collect(v, keys)));
    }
    return keys;
  }

  private static void collect(JsonNode value, Set<String> keys) {
    if (value.isArray()) {
      value.forEach(v -> collect(v, keys));
    } else if (value.isString()) {
      keys.add(value.asString());
    }
  }

  private static JobState state(String word) {
    try {
      return JobState.fromWire(word);
    } catch (IllegalArgumentException e) {
      String allowed =
          String.join(", ", Arrays.stream(JobState.values()).map(JobState::wire).toList());
      throw new ApiException(
          400,
          400002,
          "invalid_parameter",
          "status must be one of " + allowed + ", got \"" + word + "\"",
          List.of(new FieldProblem("status", "enum", "must be one of " + allowed)));
    }
  }

  private static String encodeCursor(long seq) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("seq:" + seq).getBytes(StandardCharsets.UTF_8));
  }

  private static long cursor(String text) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      if (decoded.startsWith("seq:")) {
        return Long.parseLong(decoded.substring(4));
      }
    } catch (IllegalArgumentException e) {
      // falls through to the refusal
    }
    throw new ApiException(
        400,
        400002,
        "invalid_parameter",
        "cursor is not one this server gave out; use next_cursor from the previous page",
        List.of(
            new FieldProblem(
                "cursor", "format", "must be a next_cursor value from a previous page")));
  }
}
