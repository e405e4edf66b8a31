package dev.kino.api;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobLog;
import dev.kino.jobs.JobQuery;
import dev.kino.jobs.JobRequests;
import dev.kino.jobs.JobState;
import dev.kino.jobs.JobStore;
import dev.kino.models.FieldProblem;
import dev.kino.requests.Cancellations;
import dev.kino.requests.OutputDeletions;
import dev.kino.requests.RequestStatus;
import dev.kino.storage.FileStore;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Status, result, cancel, listing and output deletion of the caller's requests. */
final class RequestRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(RequestRoutes.class);
  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  private final JobRequests jobs;
  private final JobLog log;
  private final Cancellations cancellations;
  private final JobViews views;
  private final Links links;
  private final OwnedRequests owned;
  private final OutputDeletions deletions;
  private final StatusAnswers answers;

  RequestRoutes(
      JobStore store,
      Cancellations cancellations,
      JobViews views,
      Links links,
      FileStore files,
      StatusAnswers answers,
      Clock clock) {
    this.jobs = store.requests();
    this.log = store.log();
    this.cancellations = cancellations;
    this.views = views;
    this.links = links;
    this.owned = new OwnedRequests(jobs);
    this.deletions = new OutputDeletions(jobs, files, clock);
    this.answers = answers;
  }

  /** Also kept for the next polls of the same key ({@link StatusAnswers}). */
  void status(Context ctx) {
    long ticket = answers.ticket();
    RequestStatus status = RequestStatus.of(owned.find(ctx), jobs, log, true);
    byte[] body = Responses.json(ctx, 200, views.status(links.base(ctx), status));
    String authorization = ctx.header("Authorization");
    String host = ctx.header("Host");
    String jobId = status.job().id();
    if (authorization != null
        && host != null
        && ctx.queryString() == null
        && jobId.equals(ctx.pathParam("request_id"))) {
      answers.keep(
          ticket,
          jobId,
          status.job().state() == JobState.IN_QUEUE,
          StatusAnswers.askedBy(authorization, ctx.scheme(), host),
          body);
    }
  }

  void result(Context ctx) {
    RequestStatus status = RequestStatus.of(owned.find(ctx), jobs, log, false);
    Responses.json(ctx, 200, views.result(links.base(ctx), status));
  }

  /** See {@link Cancellations}: a running job's cancel waits for its engine's answer. */
  void cancel(Context ctx) throws InterruptedException {
    Cancellations.Cancelled cancelled = cancellations.cancel(owned.find(ctx));
    Responses.json(ctx, 200, views.cancelled(cancelled.job(), cancelled.outcome().wire()));
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
            .map(c -> Paging.seq("cursor", c));
    String owner = Authenticator.caller(ctx).ownerId();
    // One more than asked tells whether another page exists.
    List<Job> page = jobs.list(new JobQuery(owner, state, model, before, limit + 1));
    String base = links.base(ctx);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ArrayNode requests = body.putArray("requests");
    page.stream().limit(limit).forEach(job -> requests.add(views.summary(base, job)));
    if (page.size() > limit) {
      body.put("next_cursor", Paging.cursor(page.get(limit - 1).seq()));
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
    OutputDeletions.Deleted deleted;
    try {
      deleted = deletions.delete(job);
    } catch (IOException e) {
      LOG.warn("could not delete the outputs of request {}: {}", job.id(), e.getMessage());
      throw new ApiException(
          500, 500002, "delete_failed", "some outputs could not be deleted; try again");
    }
    answers.forget(job.id());
    Job now = deleted.job();
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", now.id());
    body.put("status", now.state().wire());
    body.put("deleted_files", deleted.files());
    now.outputsDeletedAt().ifPresent(t -> body.put("outputs_deleted_at", t.toString()));
    Responses.json(ctx, 200, body);
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
}
