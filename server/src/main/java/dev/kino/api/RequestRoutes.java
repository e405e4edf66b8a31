package dev.kino.api;

import dev.kino.jobs.CancelOutcome;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobStore;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.UUID;

/** Status, result and cancel of a request; a key sees only its own requests (others' ids are simply 404). */
final class RequestRoutes {
  private final JobStore store;
  private final JobViews views;
  private final Clock clock;

  RequestRoutes(JobStore store, JobViews views, Clock clock) {
    this.store = store;
    this.views = views;
    this.clock = clock;
  }

  void status(Context ctx) {
    Responses.json(ctx, 200, views.status(ctx, owned(ctx)));
  }

  void result(Context ctx) {
    Responses.json(ctx, 200, views.result(ctx, owned(ctx)));
  }

  void cancel(Context ctx) {
    Job job = owned(ctx);
    CancelOutcome outcome = store.cancel(job.id(), clock.instant());
    Job now = store.find(job.id()).orElse(job);
    Responses.json(ctx, 200, views.cancelled(now, outcome.wire()));
  }

  private Job owned(Context ctx) {
    String id = ctx.pathParam("request_id");
    try {
      UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.badIdentifier("request id", id);
    }
    return store
        .find(id)
        .filter(job -> job.owner().equals(Authenticator.caller(ctx).ownerId()))
        .orElseThrow(() -> ApiException.notFound("request_not_found", "no request " + id + " for this API key"));
  }
}
