package dev.kino.api;

import dev.kino.config.Settings;
import dev.kino.dialects.openai.VideoRemixes;
import dev.kino.idempotency.IdempotencyKeys;
import dev.kino.inputs.InputFiles;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.JobStore;
import dev.kino.keys.KeyStore;
import dev.kino.keys.WebSessions;
import dev.kino.metrics.Metrics;
import dev.kino.models.ModelCatalog;
import dev.kino.requests.Cancellations;
import dev.kino.requests.Submissions;
import dev.kino.storage.DiskSpace;
import dev.kino.storage.FileStore;
import dev.kino.storage.UrlSigner;
import dev.kino.uploads.Uploads;
import dev.kino.web.WebApp;
import dev.kino.webhooks.WebhookBodies;
import dev.kino.webhooks.WebhookSigner;
import dev.kino.webhooks.WebhookStore;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import tools.jackson.databind.node.ObjectNode;

/**
 * The HTTP API: the seed routes, the catalogue and signed file downloads, on Javalin with virtual
 * threads. Handlers are thin; every refusal is an {@link ApiException} written by one mapper, and
 * anything unexpected becomes a logged 500 with the same shape.
 */
public final class ApiServer implements AutoCloseable {
  private final Javalin app;

  /**
   * What the API serves from; {@code onSubmit} wakes idle workers; {@code cancelsRunningJobs} says,
   * by model id, whether its engine can stop a running job; {@code unavailable}, why no engine
   * place can run the model now (its jobs wait).
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
      Function<String, Optional<String>> unavailable,
      Function<String, Optional<ObjectNode>> health,
      Runnable onSubmit,
      Supplier<Optional<String>> databaseProblem,
      DiskSpace disk,
      Metrics metrics,
      WebSessions sessions,
      VideoRemixes remixes) {}

  public ApiServer(Settings settings, Parts parts, Clock clock) {
    JobStore store = parts.store();
    StatusAnswers statusAnswers = new StatusAnswers(System::nanoTime);
    parts.hub().onJobNews(statusAnswers::news);
    Authenticator auth =
        new Authenticator(
            parts.keys(),
            settings.adminKey(),
            new EventTokens(parts.signer()),
            settings.keyDefaults(),
            clock,
            statusAnswers::forgetAll,
            parts.sessions());
    SessionRoutes sessionRoutes = new SessionRoutes(auth, parts.sessions(), clock);
    KeyRoutes keyRoutes = new KeyRoutes(parts.keys(), store.requests(), auth, clock);
    UsageRoutes usage = new UsageRoutes(store.usage(), clock);
    Links links =
        new Links(
            settings.publicUrl(), parts.signer(), parts.files(), settings.fileUrlTtl(), clock);
    JobViews views = new JobViews(links, parts.unavailable());
    Submissions submissions =
        new Submissions(
            store.requests(),
            parts.inputs(),
            parts.idempotency(),
            parts.onSubmit(),
            parts.disk(),
            clock,
            settings.maxAttempts());
    ModelRoutes models =
        new ModelRoutes(
            parts.catalog(), submissions, views, links, parts.unavailable(), parts.health());
    Cancellations cancellations =
        new Cancellations(store.requests(), parts.hub(), parts.cancelsRunningJobs(), clock);
    RequestRoutes requests =
        new RequestRoutes(store, cancellations, views, links, parts.files(), statusAnswers, clock);
    EventStreams events = new EventStreams(store, parts.hub());
    WebhookRoutes webhooks = new WebhookRoutes(parts.webhookSigner(), parts.webhooks(), store);
    Dialects dialects =
        new Dialects(
            parts.catalog(),
            submissions,
            store,
            parts.hub(),
            cancellations,
            parts.uploads(),
            parts.files(),
            parts.remixes(),
            links,
            clock);
    FileRoutes downloads = new FileRoutes(parts.files(), parts.signer(), clock);
    UploadRoutes uploaded = new UploadRoutes(parts.uploads(), links, parts.disk());
    Health health = new Health(parts.databaseProblem(), parts.disk(), clock);
    Executor virtualThreads =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kino-http-", 0).factory());
    HostCheck hosts = new HostCheck(settings.publicUrl(), settings.host(), settings.http());
    Path uploadSpool = spool(settings.dataDir());
    this.app =
        Javalin.create(
            config -> {
              serverSettings(config, settings, uploadSpool, virtualThreads);
              config.jetty.modifyServer(
                  server ->
                      server.setHandler(
                          new RequestDispatch(
                              health, statusAnswers, virtualThreads, parts.metrics())));
              config.requestLogger.http(
                  (ctx, millis) ->
                      parts
                          .metrics()
                          .http(
                              ctx.method().name(),
                              routeOf(ctx),
                              ctx.statusCode(),
                              (long) (millis * 1_000_000)));
              RoutesConfig routes = config.routes;
              routes.before(SecurityHeaders::apply);
              routes.before("/v1/*", hosts::check);
              routes.before("/v1/*", auth::authenticate);
              routes.get("/v1/keys/self", keyRoutes::self);
              routes.post("/v1/keys", keyRoutes::create);
              routes.get("/v1/keys", keyRoutes::list);
              routes.get("/v1/keys/{key_id}", keyRoutes::show);
              routes.patch("/v1/keys/{key_id}", keyRoutes::update);
              routes.delete("/v1/keys/{key_id}", keyRoutes::revoke);
              routes.get("/v1/models", models::list);
              routes.get("/v1/models/<model_id>", models::show);
              routes.post("/v1/models/<model_id>/estimate", models::estimate);
              routes.post("/v1/models/<model_id>", models::submit);
              routes.get("/v1/usage", usage::report);
              routes.get("/v1/requests", requests::list);
              routes.get("/v1/requests/{request_id}/status", requests::status);
              routes.get("/v1/requests/{request_id}/result", requests::result);
              routes.post("/v1/requests/{request_id}/cancel", requests::cancel);
              routes.delete("/v1/requests/{request_id}", requests::delete);
              routes.get("/v1/requests/{request_id}/events", events::stream);
              routes.get("/v1/requests/{request_id}/webhooks", webhooks::list);
              routes.get("/v1/webhooks/secret", webhooks::secret);
              routes.post("/v1/files", uploaded::create);
              routes.get("/v1/files", uploaded::list);
              routes.get("/v1/files/{file_id}", uploaded::show);
              routes.delete("/v1/files/{file_id}", uploaded::delete);
              routes.get("/v1/files/{file_id}/content", uploaded::content);
              routes.get("/files/<key>", downloads::get);
              routes.head("/files/<key>", downloads::head);
              dialects.register(routes, hosts::check, auth::authenticate);
              routes.post("/web/session", sessionRoutes::signIn);
              routes.get("/web/session", sessionRoutes::show);
              routes.delete("/web/session", sessionRoutes::signOut);
              new WebApp().register(routes);
              routes.get(
                  "/metrics",
                  ctx -> {
                    auth.authenticate(ctx);
                    Authenticator.caller(ctx).requireAdmin();
                    ctx.contentType(Metrics.contentType()).result(parts.metrics().scrape());
                  });
              ErrorMapper.register(routes, settings.http().maxJsonBytes(), parts.metrics());
            });
  }

  /** The route's pattern for the HTTP metrics (not the path: ids would make every path new). */
  private static String routeOf(Context ctx) {
    Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
    return matched == null ? "unmatched" : matched.path;
  }

  /** Virtual threads, body limits, the multipart spool, where to listen. */
  private static void serverSettings(
      JavalinConfig config, Settings settings, Path uploadSpool, Executor virtualThreads) {
    config.startup.showJavalinBanner = false;
    config.startup.showOldJavalinVersionWarning = false;
    config.concurrency.useVirtualThreads = true;
    // Jetty's selectors and acceptors on platform threads of their own, not on virtual threads with
    // the requests: a burst of requests cannot delay reading the next ones (RequestDispatch).
    QueuedThreadPool jettyThreads = new QueuedThreadPool(JETTY_THREADS, 4);
    jettyThreads.setName("kino-jetty");
    jettyThreads.setVirtualThreadsExecutor(virtualThreads);
    config.jetty.threadPool = jettyThreads;
    // JSON request bodies: room for a few inline data: URIs; larger files go through POST
    // /v1/files.
    config.http.maxRequestSize = settings.http().maxJsonBytes();
    config.jetty.multipartConfig.cacheDirectory(uploadSpool.toString());
    config.jetty.multipartConfig.maxFileSize(Uploads.MAX_BYTES, SizeUnit.BYTES);
    config.jetty.multipartConfig.maxTotalRequestSize(Uploads.MAX_BYTES + 1_000_000, SizeUnit.BYTES);
    config.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
    config.http.prefer405over404 = true;
    config.jetty.host = settings.host();
    config.jetty.port = settings.port();
    config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
    // Jetty's default listen backlog (50) turns a burst of connections (thousands of event streams
    // opening at once) into seconds of stalled accepts, health checks among them.
    config.jetty.addConnector(
        (server, http) -> {
          ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
          connector.setHost(settings.host());
          connector.setPort(settings.port());
          connector.setAcceptQueueSize(ACCEPT_QUEUE);
          return connector;
        });
  }

  /**
   * Connections the kernel holds for Kino before it accepts them (capped by net.core.somaxconn).
   */
  static final int ACCEPT_QUEUE = 4096;

  /** Jetty's own threads; the requests run on virtual threads, not on these. */
  private static final int JETTY_THREADS = 32;

  /** What webhook messages say, in each job's callback's format (see {@link WebhookDocuments}). */
  public static WebhookBodies webhookBodies(
      Settings settings, JobStore store, UrlSigner signer, FileStore files, Clock clock) {
    Links links = new Links(settings.publicUrl(), signer, files, settings.fileUrlTtl(), clock);
    JobViews views = new JobViews(links, modelId -> Optional.empty());
    return new WebhookDocuments(store, views, links, files);
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
}
