package dev.kino.api;

import dev.kino.database.Outages;
import dev.kino.dialects.openai.OpenAiVideos;
import dev.kino.jobs.BudgetExceeded;
import dev.kino.jobs.LimitReached;
import dev.kino.metrics.Metrics;
import dev.kino.models.FieldProblem;
import dev.kino.models.InvalidInputException;
import dev.kino.requests.IdempotencyConflict;
import dev.kino.storage.StorageFullException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.util.List;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a refusal becomes its error body: Kino's {@link ApiException}, the use cases'
 * typed refusals, Javalin's own (unknown route, wrong method, body too large), a database outage
 * (503 with Retry-After) and, last, anything unexpected (a logged 500 in the same shape).
 */
final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  static void register(RoutesConfig routes, int maxJsonBytes, Metrics metrics) {
    routes.exception(
        ApiException.class,
        (e, ctx) -> {
          if (e.reason.equals(Caller.MODEL_NOT_ALLOWED)) {
            metrics.refused("models");
          }
          ErrorBodies.write(ctx, e);
        });
    routes.exception(
        InvalidInputException.class,
        (e, ctx) -> ErrorBodies.write(ctx, ApiException.invalidInput(e.problems(), e.total())));
    routes.exception(
        IdempotencyConflict.class,
        (e, ctx) -> ErrorBodies.write(ctx, ApiException.idempotencyConflict(e)));
    routes.exception(
        LimitReached.class,
        (e, ctx) -> {
          metrics.refused(e.limit());
          limitReached(e, ctx);
        });
    routes.exception(
        BudgetExceeded.class,
        (e, ctx) -> {
          metrics.refused("budget_usd");
          ErrorBodies.write(
              ctx,
              new ApiException(402, 400002, "budget_exceeded", e.getMessage())
                  .with("limit", "budget_usd")
                  .with("value", e.budget().usd())
                  .with("budget_period", e.budget().period().wire())
                  .with("left_usd", e.leftUsd())
                  .with("estimate_usd", e.estimateUsd()));
        });
    routes.exception(StorageFullException.class, (e, ctx) -> storageFull(ctx, e));
    routes.exception(
        OpenAiVideos.Refused.class,
        (e, ctx) ->
            ErrorBodies.write(
                ctx,
                new ApiException(
                    400,
                    400002,
                    "invalid_parameter",
                    e.getMessage(),
                    List.of(new FieldProblem(e.param(), "unsupported", e.getMessage())))));
    routes.exception(
        HttpResponseException.class,
        (e, ctx) -> ErrorBodies.write(ctx, fromJavalin(e, maxJsonBytes)));
    routes.exception(Exception.class, ErrorMapper::unexpected);
  }

  private static void unexpected(Exception e, Context ctx) {
    if (isClientGone(e)) {
      // The client hung up mid-request: nothing to answer, nobody's mistake but the network's.
      LOG.info("client left during {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
      ErrorBodies.write(
          ctx, new ApiException(400, 400008, "request_incomplete", "the request ended early"));
      return;
    }
    if (isDiskFull(e)) {
      // The disk filled between DiskSpace's checks: the same answer as its refusal.
      LOG.warn("disk full during {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
      storageFull(ctx, new StorageFullException());
      return;
    }
    if (Outages.isOutage(e)) {
      // The database is restarting or unreachable; asking again shortly works.
      LOG.warn("database unavailable on {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
      ctx.header("Retry-After", "5");
      ErrorBodies.write(
          ctx,
          new ApiException(
              503,
              503001,
              "database_unavailable",
              "the server cannot reach its database right now; try again shortly (with the same"
                  + " Idempotency-Key, if the request should happen once: a connection lost mid-way"
                  + " may still have stored it)"));
      return;
    }
    LOG.error("unexpected error on {} {}; answered 500", ctx.method(), ctx.path(), e);
    ErrorBodies.write(
        ctx,
        new ApiException(
            500, 500001, "internal_error", "the server failed unexpectedly; the error is logged"));
  }

  /** A key's limit: 429, with when to try again (a queue drains at its own pace: 10 s). */
  private static void limitReached(LimitReached e, Context ctx) {
    long seconds = e.retryAfter().map(d -> Math.max(1, (d.toMillis() + 999) / 1000)).orElse(10L);
    ctx.header("Retry-After", Long.toString(seconds));
    ErrorBodies.write(ctx, ApiException.limitReached(e).with("retry_after_seconds", seconds));
  }

  private static void storageFull(Context ctx, StorageFullException e) {
    ctx.header("Retry-After", "60");
    ErrorBodies.write(ctx, new ApiException(507, 507001, "storage_full", e.getMessage()));
  }

  /**
   * SQLite's SQLITE_FULL, or the file system's "No space left on device", anywhere in the causes.
   */
  private static boolean isDiskFull(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null
          && (message.contains("SQLITE_FULL") || message.contains("No space left on device"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isClientGone(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EofException
          || (t instanceof IOException io
              && io.getMessage() != null
              && io.getMessage().contains("Early EOF"))) {
        return true;
      }
    }
    return false;
  }

  /** Javalin's own refusals in Kino's error shape. */
  private static ApiException fromJavalin(HttpResponseException e, int maxJsonBytes) {
    int status = e.getStatus();
    return switch (status) {
      case 404 ->
          new ApiException(
              404,
              404001,
              "route_not_found",
              "no such route; the API lives under /v1 (see docs/api.md)");
      case 405 ->
          new ApiException(
              405, 405001, "method_not_allowed", "this route does not accept that HTTP method");
      case 413 ->
          new ApiException(
              413,
              413001,
              "body_too_large",
              "the request body is larger than "
                  + maxJsonBytes
                  + " bytes; upload files with POST /v1/files");
      default -> new ApiException(status, status * 1000 + 1, "http_" + status, e.getMessage());
    };
  }
}
