package dev.kino.api;

import dev.kino.config.Settings;
import dev.kino.database.Outages;
import dev.kino.idempotency.IdempotencyKeys;
import dev.kino.inputs.InputFiles;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobStore;
import dev.kino.keys.KeyStore;
import dev.kino.models.InvalidInputException;
import dev.kino.models.ModelCatalog;
import dev.kino.requests.Cancellations;
import dev.kino.requests.IdempotencyConflict;
import dev.kino.requests.RequestStatus;
import dev.kino.requests.Submissions;
import dev.kino.storage.FileStore;
import dev.kino.storage.UrlSigner;
import dev.kino.uploads.Uploads;
import dev.kino.webhooks.WebhookSigner;
import dev.kino.webhooks.WebhookStore;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP API: the seed routes, the catalogue and signed file downloads, on Javalin with virtual
 * threads. Handlers are thin; every refusal is an {@link ApiException} written by one mapper, and
 * anything unexpected becomes a logged 500 with the same shape.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  /**
   * JSON request bodies: room for a few inline data: URIs; larger files go through POST /v1/files.
   */
  static final int MAX_JSON_BODY = 8_000_000;

  private final Javalin app;

  /**
   * What the API serves from; {@code onSubmit} wakes idle workers; {@code cancelsRunningJobs} says,
   * by model id, whether its engine can stop a running job.
   */
  public record Parts(
      ModelCatalog catalog,
      JobStore store,
      EventHub hub,
      KeyStore keys,
      FileStore files,
      UrlSigner signer,
      InputFiles inputs,
      Uploads uploads,
      IdempotencyKeys idempotency,
      WebhookStore webhooks,
      WebhookSigner webhookSigner,
      Predicate<String> cancelsRunningJobs,
      Runnable onSubmit) {}

  public ApiServer(Settings settings, Parts parts, Clock clock) {
    JobStore store = parts.store();
    Authenticator auth =
        new Authenticator(
            parts.keys(), settings.adminKey(), new EventTokens(parts.signer()), clock);
    Links links =
        new Links(
            settings.publicUrl(), parts.signer(), parts.files(), settings.fileUrlTtl(), clock);
    JobViews views = new JobViews(links);
    Submissions submissions =
        new Submissions(
            store.requests(),
            parts.inputs(),
            parts.idempotency(),
            parts.onSubmit(),
            clock,
            settings.maxAttempts());
    ModelRoutes models = new ModelRoutes(parts.catalog(), submissions, views, links);
    Cancellations cancellations =
        new Cancellations(store.requests(), parts.hub(), parts.cancelsRunningJobs(), clock);
    RequestRoutes requests =
        new RequestRoutes(store, cancellations, views, links, parts.files(), clock);
    EventStreams events = new EventStreams(store, parts.hub());
    WebhookRoutes webhooks = new WebhookRoutes(parts.webhookSigner(), parts.webhooks(), store);
    FileRoutes downloads = new FileRoutes(parts.files(), parts.signer(), clock);
    UploadRoutes uploaded = new UploadRoutes(parts.uploads(), links);
    Path uploadSpool = spool(settings.dataDir());
    this.app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.concurrency.useVirtualThreads = true;
              config.http.maxRequestSize = MAX_JSON_BODY;
              config.jetty.multipartConfig.cacheDirectory(uploadSpool.toString());
              config.jetty.multipartConfig.maxFileSize(Uploads.MAX_BYTES, SizeUnit.BYTES);
              config.jetty.multipartConfig.maxTotalRequestSize(
                  Uploads.MAX_BYTES + 1_000_000, SizeUnit.BYTES);
              config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
              config.http.prefer405over404 = true;
              config.jetty.host = settings.host();
              config.jetty.port = settings.port();
              config.routes.before("/v1/*", auth::authenticate);
              config.routes.get("/healthz", ctx -> Responses.json(ctx, 200, health()));
              config.routes.get("/v1/models", models::list);
              config.routes.get("/v1/models/<model_id>", models::show);
              config.routes.post("/v1/models/<model_id>", models::submit);
              config.routes.get("/v1/requests", requests::list);
              config.routes.get("/v1/requests/{request_id}/status", requests::status);
              config.routes.get("/v1/requests/{request_id}/result", requests::result);
              config.routes.post("/v1/requests/{request_id}/cancel", requests::cancel);
              config.routes.delete("/v1/requests/{request_id}", requests::delete);
              config.routes.get("/v1/requests/{request_id}/events", events::stream);
              config.routes.get("/v1/requests/{request_id}/webhooks", webhooks::list);
              config.routes.get("/v1/webhooks/secret", webhooks::secret);
              config.routes.post("/v1/files", uploaded::create);
              config.routes.get("/v1/files", uploaded::list);
              config.routes.get("/v1/files/{file_id}", uploaded::show);
              config.routes.delete("/v1/files/{file_id}", uploaded::delete);
              config.routes.get("/v1/files/{file_id}/content", uploaded::content);
              config.routes.get("/files/<key>", downloads::get);
              config.routes.head("/files/<key>", downloads::head);
              config.routes.exception(ApiException.class, (e, ctx) -> ErrorBodies.write(ctx, e));
              config.routes.exception(
                  InvalidInputException.class,
                  (e, ctx) -> ErrorBodies.write(ctx, ApiException.invalidInput(e.problems())));
              config.routes.exception(
                  IdempotencyConflict.class,
                  (e, ctx) -> ErrorBodies.write(ctx, ApiException.idempotencyConflict(e)));
              config.routes.exception(
                  HttpResponseException.class, (e, ctx) -> ErrorBodies.write(ctx, fromJavalin(e)));
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    if (Outages.isOutage(e)) {
                      // The database is restarting or unreachable; asking again shortly works.
                      LOG.warn(
                          "database unavailable on {} {}: {}",
                          ctx.method(),
                          ctx.path(),
                          e.getMessage());
                      ctx.header("Retry-After", "5");
                      ErrorBodies.write(
                          ctx,
                          new ApiException(
                              503,
                              503001,
                              "database_unavailable",
                              "the server cannot reach its database right now; try again shortly (with the same Idempotency-Key, if the"
                                  + " request should happen once: a connection lost mid-way may still have stored it)"));
                      return;
                    }
                    LOG.error(
                        "unexpected error on {} {}; answered 500", ctx.method(), ctx.path(), e);
                    ErrorBodies.write(
                        ctx,
                        new ApiException(
                            500,
                            500001,
                            "internal_error",
                            "the server failed unexpectedly; the error is logged"));
                  });
            });
  }

  /**
   * The body the result route would give for a job, with links on the base its client used (or the
   * public URL): what a webhook message carries as {@code data}.
   */
  public static Function<Job, ObjectNode> resultDocuments(
      Settings settings, JobStore store, UrlSigner signer, FileStore files, Clock clock) {
    Links links = new Links(settings.publicUrl(), signer, files, settings.fileUrlTtl(), clock);
    JobViews views = new JobViews(links);
    return job ->
        views.result(
            links.base(job.baseUrl()), RequestStatus.of(job, store.requests(), store.log(), false));
  }

  public ApiServer start() {
    app.start();
    return this;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  /** Where multipart uploads are spooled while they arrive; emptied at start. */
  private static Path spool(Path dataDir) {
    Path dir = dataDir.resolve("tmp").resolve("uploads");
    try {
      Files.createDirectories(dir);
      try (var leftovers = Files.list(dir)) {
        for (Path p : leftovers.toList()) {
          Files.deleteIfExists(p);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the upload spool " + dir, e);
    }
  }

  private static ObjectNode health() {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("status", "ok");
    return body;
  }

  /** Javalin's own refusals (unknown route, wrong method, body too large) in Kino's error shape. */
  private static ApiException fromJavalin(HttpResponseException e) {
    int status = e.getStatus();
    return switch (status) {
      case 404 ->
          new ApiException(
              404,
              404001,
              "route_not_found",
              "no such route; the API lives under /v1 (see the README)");
      case 405 ->
          new ApiException(
              405, 405001, "method_not_allowed", "this route does not accept that HTTP method");
      case 413 ->
          new ApiException(
              413,
              413001,
              "body_too_large",
              "the request body is larger than "
                  + MAX_JSON_BODY / 1_000_000
                  + " MB; upload files with POST /v1/files");
      default -> new ApiException(status, status * 1000 + 1, "http_" + status, e.getMessage());
    };
  }
}
