package dev.kino.api;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobRequests;
import io.javalin.http.Context;
import java.util.UUID;

/**
 * The job named by {@code {request_id}}, if the caller's key owns it; others' ids are simply 404.
 */
final class OwnedRequests {
  private final JobRequests store;

  OwnedRequests(JobRequests store) {
    this.store = store;
  }

  Job find(Context ctx) {
    return find(ctx, "request_id");
  }

  /** The job named by the path parameter {@code name} (another dialect's name for the id). */
  Job find(Context ctx, String name) {
    String id = ctx.pathParam(name);
    try {
      UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.badIdentifier("request id", id);
    }
    return store
        .find(id)
        .filter(job -> job.owner().equals(Authenticator.caller(ctx).ownerId()))
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "request_not_found", "no request " + id + " for this API key"));
  }
}
