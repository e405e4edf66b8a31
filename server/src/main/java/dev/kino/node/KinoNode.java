package dev.kino.node;

import dev.kino.api.ApiServer;
import dev.kino.cluster.ClusterChanges;
import dev.kino.config.ConfigException;
import dev.kino.config.Settings;
import dev.kino.database.Database;
import dev.kino.database.DatabaseClock;
import dev.kino.dialects.openai.VideoRemixes;
import dev.kino.engines.EngineSetup;
import dev.kino.engines.Engines;
import dev.kino.engines.upstream.Upstreams;
import dev.kino.idempotency.IdempotencyKeys;
import dev.kino.inputs.InputFiles;
import dev.kino.inputs.UrlFetcher;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.JobStore;
import dev.kino.keys.CreatedKey;
import dev.kino.keys.KeyStore;
import dev.kino.keys.WebSessions;
import dev.kino.media.FfmpegCodecs;
import dev.kino.media.MediaException;
import dev.kino.metrics.Metrics;
import dev.kino.metrics.MetricsPort;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.models.ModelDefinition;
import dev.kino.models.Route;
import dev.kino.network.AddressPolicy;
import dev.kino.network.HostResolver;
import dev.kino.requests.OrphanedOutputs;
import dev.kino.storage.DiskSpace;
import dev.kino.storage.FileStore;
import dev.kino.storage.S3FileStore;
import dev.kino.storage.SecretFile;
import dev.kino.storage.UrlSigner;
import dev.kino.uploads.Uploads;
import dev.kino.webhooks.RetrySchedule;
import dev.kino.webhooks.WebhookDispatcher;
import dev.kino.webhooks.WebhookSigner;
import dev.kino.webhooks.WebhookStore;
import dev.kino.workers.Wakeup;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kino node in its role (API and workers, API only, workers only): on the embedded default,
 * SQLite and files in the data directory; in a cluster, PostgreSQL and an S3 bucket shared with the
 * other nodes. It wires the parts, in the order they depend on each other, and closes them in the
 * order that loses nothing. Start-up checks everything it can before it listens.
 */
public final class KinoNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KinoNode.class);

  private final DataDirLock lock;
  private final Database db;
  private final FileStore files;
  private final Workers workers;
  private final Engines engines;
  private final Optional<ApiServer> api;
  private final Optional<ClusterChanges> cluster;
  private final InputFiles inputs;
  private final Housekeeping housekeeping;
  private final WebhookDispatcher webhooks;
  private final EventHub hub;
  private final Optional<MetricsPort> metricsPort;

  private KinoNode(
      DataDirLock lock,
      Database db,
      FileStore files,
      Workers workers,
      Engines engines,
      Optional<ApiServer> api,
      InputFiles inputs,
      Housekeeping housekeeping,
      WebhookDispatcher webhooks,
      EventHub hub,
      Optional<ClusterChanges> cluster,
      Optional<MetricsPort> metricsPort) {
    this.hub = hub;
    this.metricsPort = metricsPort;
    this.cluster = cluster;
    this.engines = engines;
    this.inputs = inputs;
    this.housekeeping = housekeeping;
    this.webhooks = webhooks;
    this.lock = lock;
    this.db = db;
    this.files = files;
    this.workers = workers;
    this.api = api;
  }

  /**
   * Starts a node; {@code out} receives the one-time admin key, if one is generated. A start that
   * fails part way (a port in use, a bad setting found late) closes what it had started, last
   * first, so a failed start leaves no database, thread or lock open.
   */
  public static KinoNode start(Settings settings, PrintStream out) {
    return start(settings, out, Clock.systemUTC());
  }

  /** As {@link #start(Settings, PrintStream)} on a given clock (a test's skewed one, say). */
  public static KinoNode start(Settings settings, PrintStream out, Clock localClock) {
    StartedParts started = new StartedParts();
    try {
      return start(settings, out, started, localClock);
    } catch (MediaException e) {
      started.closeAll();
      throw new ConfigException(e.getMessage());
    } catch (RuntimeException e) {
      started.closeAll();
      throw e;
    }
  }

  private static KinoNode start(
      Settings settings, PrintStream out, StartedParts started, Clock localClock)
      throws MediaException {
    Clock clock = localClock;
    DataDirLock lock = started.add(DataDirLock.acquire(settings.dataDir()));
    ModelCatalog loaded = withCredentials(ModelCatalog.load(settings.modelsDir()), settings);
    AddressPolicy policy = addressPolicy(settings);
    if (settings.role().runsJobs() && settings.workers() > 0) {
      FfmpegCodecs.requireEncoders(); // the sandbox renders here; an API-only node never does
    }
    Database db = started.add(NodeStorage.openDatabase(settings));
    if (db.dialect() == Database.Dialect.POSTGRESQL) {
      clock = started.add(DatabaseClock.start(db, clock)); // one clock for the whole cluster
    }
    FileStore files = NodeStorage.openFiles(settings, clock);
    if (files instanceof AutoCloseable closeable) {
      started.add(closeable);
    }
    Uploads uploads = new Uploads(db, files, clock, settings.uploadTtl());
    UrlFetcher fetcher = new UrlFetcher(policy);
    InputFiles inputs =
        started.add(
            new InputFiles(
                fetcher, uploads, settings.dataDir().resolve("cache").resolve("inputs"), clock));
    List<ModelDefinition> definitions = loaded.all().stream().map(Model::definition).toList();
    String nodeId = nodeId();
    Optional<Database> clusterDb =
        Optional.of(db).filter(d -> d.dialect() == Database.Dialect.POSTGRESQL);
    Engines engines =
        started.add(
            EngineSetup.engines(settings, definitions, inputs, fetcher, clock, clusterDb, nodeId));
    ModelCatalog catalog =
        loaded.withEngineRules(d -> engines.serving(d).flatMap(engine -> engine.inputRule(d)));
    KeyStore keys = new KeyStore(db);
    WebSessions sessions = new WebSessions(db);
    if (settings.role().servesApi()) {
      ensureAdminKey(settings, keys, clock, out);
    }
    EventHub hub = started.add(new EventHub());
    JobStore store =
        JobStore.on(db, hub, settings.keyDefaults().maxRunning(), settings.queueOrder());
    if (db.dialect() == Database.Dialect.SQLITE) {
      recoverAbandoned(store, clock);
    }
    Path workRoot = NodeStorage.cleanWorkRoot(settings.dataDir());
    DiskSpace disk = DiskSpace.of(settings.dataDir(), settings.disk().minFreeBytes(), clock);
    UrlSigner signer = new UrlSigner(NodeStorage.secret(db, settings, SecretFile.URL_SIGNING_KEY));
    Wakeup wakeup = new Wakeup();
    Metrics metrics = new Metrics(catalog, store.requests()::queueDepths, hub, clock);
    ServingEngines.routeMetrics(catalog, engines, metrics);
    Workers workers =
        started.add(
            new Workers(
                store, catalog, engines, files, workRoot, wakeup, clock, settings, nodeId, disk,
                metrics));
    IdempotencyKeys idempotency = new IdempotencyKeys(db, clock);
    WebhookStore webhookStore = new WebhookStore(db);
    WebhookSigner webhookSigner =
        new WebhookSigner(NodeStorage.secret(db, settings, SecretFile.WEBHOOK_SIGNING_KEY));
    WebhookDispatcher webhooks =
        started.add(
            new WebhookDispatcher(
                    webhookStore,
                    store,
                    hub,
                    ApiServer.webhookBodies(settings, store, signer, files, clock),
                    webhookSigner,
                    policy,
                    HostResolver.system(),
                    new RetrySchedule(settings.webhookRetries()),
                    clock,
                    metrics)
                .start());
    ApiServer.Parts parts =
        new ApiServer.Parts(
            catalog,
            store,
            hub,
            keys,
            files,
            signer,
            inputs,
            uploads,
            idempotency,
            webhookStore,
            webhookSigner,
            modelId -> ServingEngines.cancelsRunningJobs(catalog, engines, modelId),
            modelId -> ServingEngines.unavailable(catalog, engines, modelId),
            modelId -> ServingEngines.health(catalog, engines, modelId),
            wakeup::signal,
            db::problem,
            disk,
            metrics,
            sessions,
            new VideoRemixes(db));
    Optional<ApiServer> api = Optional.empty();
    if (settings.role().servesApi()) {
      api = Optional.of(started.add(new ApiServer(settings, parts, clock)).start());
    }
    Optional<ClusterChanges> cluster =
        settings
            .database()
            .map(
                url ->
                    started.add(ClusterChanges.start(url, hub, wakeup::signal, wakeup::signalAll)));
    Housekeeping housekeeping =
        started.add(
            new Housekeeping(
                sweeps(
                    uploads, idempotency, files, settings.disk().cacheMaxBytes(), sessions, clock),
                Duration.ofMinutes(1)));
    if (db.dialect() == Database.Dialect.SQLITE) {
      // Alone on its data, this node may sweep what a crash left behind (see OrphanedOutputs).
      housekeeping.once(
          "stored file(s) that no job owns (left by a crash)",
          () -> OrphanedOutputs.sweep(files, store.requests()));
    }
    if (settings.role().runsJobs()) {
      workers.start();
    }
    Optional<MetricsPort> metricsPort = Optional.empty();
    if (settings.http().metricsPort().isPresent()) {
      metricsPort =
          Optional.of(
              started.add(MetricsPort.open(settings.http().metricsPort().getAsInt(), metrics)));
      LOG.info("metrics on http://127.0.0.1:{}/metrics", metricsPort.get().port());
    }
    logStarted(settings, db, catalog, workers, api);
    return new KinoNode(
        lock,
        db,
        files,
        workers,
        engines,
        api,
        inputs,
        housekeeping,
        webhooks,
        hub,
        cluster,
        metricsPort);
  }

  /**
   * Alone on its database, this node ran every job marked running. In a cluster others may still be
   * running theirs: their leases tell, and the lease reaper requeues only the expired ones.
   */
  private static void recoverAbandoned(JobStore store, Clock clock) {
    int recovered = store.expired().recoverAbandoned(clock.instant());
    if (recovered > 0) {
      LOG.warn(
          "{} job(s) were running when the server last stopped; they are back in the queue",
          recovered);
    }
  }

  private static void logStarted(
      Settings settings,
      Database db,
      ModelCatalog catalog,
      Workers workers,
      Optional<ApiServer> api) {
    String where =
        db.dialect() == Database.Dialect.SQLITE
            ? "data dir " + settings.dataDir()
            : "cluster database, " + settings.role();
    int running = settings.role().runsJobs() ? workers.size() : 0;
    api.ifPresentOrElse(
        a ->
            LOG.info(
                "Kino is listening on http://{}:{} ({}, {} models, {} workers)",
                settings.host(),
                a.port(),
                where,
                catalog.all().size(),
                running),
        () ->
            LOG.info(
                "Kino worker started ({}, {} models, {} workers)",
                where,
                catalog.all().size(),
                workers.size()));
  }

  /** Where {@code --metrics-port} listens, when it is set. */
  public OptionalInt metricsPort() {
    return metricsPort.map(p -> OptionalInt.of(p.port())).orElse(OptionalInt.empty());
  }

  /** The API's port; -1 on a worker node. */
  public int port() {
    return api.map(ApiServer::port).orElse(-1);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.warn("closing {} failed: {}", closeable, e.getMessage());
    }
  }

  /**
   * This node in lease owners: host, process id and a random part (process ids repeat across
   * machines and restarts), so an operator reading the jobs table sees which process holds a job.
   */
  private static String nodeId() {
    String host =
        Optional.ofNullable(System.getenv("HOSTNAME"))
            .filter(h -> !h.isBlank())
            .orElse("localhost");
    return host
        + ":"
        + ProcessHandle.current().pid()
        + ":"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /** What housekeeping removes every minute. */
  private static Map<String, Housekeeping.Sweep> sweeps(
      Uploads uploads,
      IdempotencyKeys idempotency,
      FileStore files,
      long cacheMaxBytes,
      WebSessions sessions,
      Clock clock) {
    Map<String, Housekeeping.Sweep> sweeps = new HashMap<>();
    sweeps.put("ended web session(s)", () -> sessions.sweep(clock.instant()));
    sweeps.put("expired upload(s)", uploads::sweepExpired);
    sweeps.put("idempotency key(s) older than 24 h", idempotency::sweep);
    if (files instanceof S3FileStore bucket) {
      sweeps.put(
          "cached copies of stored files (unused for an hour, or beyond --cache-max)",
          () -> bucket.sweepCache(STORE_CACHE_KEPT, cacheMaxBytes));
    }
    return sweeps;
  }

  /** How long a node keeps an unused local copy of a file in the bucket. */
  private static final Duration STORE_CACHE_KEPT = Duration.ofHours(1);

  private static AddressPolicy addressPolicy(Settings settings) {
    try {
      return new AddressPolicy(settings.fetchAllow());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /**
   * Routes on an upstream provider are served only when the API keys their definition names are
   * set; the others are left out, with a line saying which variable would bring them in. A model
   * with no route left is not served.
   */
  private static ModelCatalog withCredentials(ModelCatalog catalog, Settings settings) {
    return catalog.withDefinitions(
        d -> {
          List<Route> served = new ArrayList<>();
          for (Route route : d.routes()) {
            Optional<List<String>> missing =
                Upstreams.missingKeys(d.onRoute(route), settings.credentials());
            missing.ifPresentOrElse(
                variables ->
                    LOG.warn(
                        "model {}{} is not served: its engine {} needs its keys in {} ({})",
                        d.id(),
                        d.routes().size() > 1 ? " on route " + route.name() : "",
                        route.engine(),
                        String.join(" and ", variables),
                        d.source()),
                () -> served.add(route));
          }
          if (served.isEmpty()) {
            return Optional.empty();
          }
          return Optional.of(served.size() == d.routes().size() ? d : d.withRoutes(served));
        });
  }

  /**
   * With no operator key and no stored keys, nobody could call the API: make an admin key and show
   * it once.
   */
  private static void ensureAdminKey(
      Settings settings, KeyStore keys, Clock clock, PrintStream out) {
    if (settings.adminKey().isPresent() || !keys.isEmpty()) {
      return;
    }
    CreatedKey created = keys.create("admin", true, clock.instant());
    out.println();
    out.println("Kino created an admin API key. It is shown this once and stored only as a hash:");
    out.println();
    out.println("    " + created.plaintext());
    out.println();
    out.println(
        "Use it as: Authorization: Bearer <key>. Make more with ./kino keys create --name NAME");
    out.println();
    out.flush();
  }

  /**
   * Stops listening, gives running jobs back to the queue, closes the database and releases the
   * data dir.
   */
  @Override
  public void close() {
    hub.close(); // open event streams end, so the server can stop at once
    api.ifPresent(ApiServer::close);
    metricsPort.ifPresent(MetricsPort::close);
    cluster.ifPresent(ClusterChanges::close);
    housekeeping.close();
    workers.close();
    engines.close();
    webhooks.close();
    inputs.close();
    if (files instanceof AutoCloseable closeable) {
      closeQuietly(closeable);
    }
    db.close();
    lock.close();
  }
}
