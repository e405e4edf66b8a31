package dev.kino.cli.operator;

import dev.kino.config.ConfigException;
import dev.kino.config.Credentials;
import dev.kino.config.DiskSettings;
import dev.kino.config.HttpSettings;
import dev.kino.config.Role;
import dev.kino.config.Settings;
import dev.kino.jobs.QueueOrder;
import dev.kino.keys.Budget;
import dev.kino.keys.KeyLimits;
import dev.kino.node.KinoNode;
import dev.kino.webhooks.RetrySchedule;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code kino serve}: the API and this node's workers, until Ctrl-C or SIGTERM. */
@Command(
    name = "serve",
    description = "Start the Kino server (API and workers).",
    mixinStandardHelpOptions = true)
public class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--host",
      defaultValue = "${env:KINO_HOST:-127.0.0.1}",
      description = "Address to listen on (env KINO_HOST; default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "${env:KINO_PORT:-8080}",
      description = "HTTP port (env KINO_PORT; default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:KINO_DATA_DIR:-./kino-data}",
      description = "Database, files and secrets (env KINO_DATA_DIR; default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--models-dir",
      defaultValue = "${env:KINO_MODELS_DIR}",
      description = "Extra model definitions (env KINO_MODELS_DIR).")
  Path modelsDir;

  @Option(
      names = "--public-url",
      defaultValue = "${env:KINO_PUBLIC_URL}",
      description =
          "Base of returned URLs, e.g. https://kino.example.com (env KINO_PUBLIC_URL; default: from each request).")
  URI publicUrl;

  @Option(
      names = "--workers",
      defaultValue = "${env:KINO_WORKERS:-2}",
      description =
          "Sandbox jobs run at once on this node; ComfyUI models run one job per server (env KINO_WORKERS; default ${DEFAULT-VALUE}; 0: accept and queue only).")
  int workers;

  @Option(
      names = "--fetch-allow",
      split = ",",
      defaultValue = "${env:KINO_FETCH_ALLOW}",
      description =
          "Host or CIDR input URLs may reach although private or loopback, over plain http too; repeatable (env KINO_FETCH_ALLOW, comma-separated).")
  List<String> fetchAllow = new ArrayList<>();

  @Option(
      names = "--lease-seconds",
      defaultValue = "${env:KINO_LEASE_SECONDS:-30}",
      description =
          "How long a running job stays owned without a heartbeat (env KINO_LEASE_SECONDS; default ${DEFAULT-VALUE}).")
  int leaseSeconds;

  @Option(
      names = "--max-attempts",
      defaultValue = "${env:KINO_MAX_ATTEMPTS:-3}",
      description =
          "Runs of a job before a lost worker fails it (env KINO_MAX_ATTEMPTS; default ${DEFAULT-VALUE}).")
  int maxAttempts;

  @Option(
      names = "--file-url-ttl",
      defaultValue = "${env:KINO_FILE_URL_TTL:-PT24H}",
      description =
          "Validity of signed file URLs, ISO-8601 (env KINO_FILE_URL_TTL; default ${DEFAULT-VALUE}).")
  Duration fileUrlTtl;

  @Option(
      names = "--upload-ttl",
      defaultValue = "${env:KINO_UPLOAD_TTL:-P7D}",
      description =
          "How long uploaded input files are kept, ISO-8601 (env KINO_UPLOAD_TTL; default ${DEFAULT-VALUE}).")
  Duration uploadTtl;

  @Option(
      names = "--no-workers",
      description =
          "Serve the API only: jobs are accepted and queued here and run by other nodes (kino worker) of the cluster.")
  boolean noWorkers;

  @Option(
      names = "--database",
      defaultValue = "${env:KINO_DATABASE_URL}",
      paramLabel = "URL",
      description =
          "A PostgreSQL database shared by several nodes (postgresql://user:password@host:5432/kino; env KINO_DATABASE_URL). Default: SQLite in the data directory.")
  String database;

  @Option(
      names = "--storage",
      defaultValue = "${env:KINO_STORAGE}",
      paramLabel = "s3://BUCKET/PREFIX",
      description =
          "Keep outputs and uploads in an S3-compatible bucket shared by a cluster's nodes (env KINO_STORAGE; endpoint, region and keys from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). Default: the data directory.")
  URI storage;

  @Option(
      names = "--comfyui",
      split = ",",
      defaultValue = "${env:KINO_COMFYUI}",
      paramLabel = "URL",
      description =
          "A ComfyUI server (e.g. http://gpu1:8188) for models whose engine is comfyui; repeatable (env KINO_COMFYUI, comma-separated).")
  List<URI> comfyui;

  @Option(
      names = "--comfyui-queue-depth",
      defaultValue = "${env:KINO_COMFYUI_QUEUE_DEPTH:-2}",
      paramLabel = "N",
      description =
          "Kino jobs per ComfyUI server at once: one running, the next ones' prompts waiting in the server's own queue, so its GPU starts the next the moment one ends (env KINO_COMFYUI_QUEUE_DEPTH; default ${DEFAULT-VALUE}; 1: one at a time).")
  int comfyuiQueueDepth;

  @Option(
      names = "--allowed-host",
      split = ",",
      defaultValue = "${env:KINO_ALLOWED_HOSTS}",
      paramLabel = "HOST",
      description =
          "A host name clients may reach this server by, when --public-url is not set (links in answers are built from the request's Host; loopback and the address a request arrived on are always allowed); repeatable (env KINO_ALLOWED_HOSTS, comma-separated).")
  List<String> allowedHosts;

  @Option(
      names = "--max-json-bytes",
      defaultValue = "${env:KINO_MAX_JSON_BYTES:-8000000}",
      paramLabel = "BYTES",
      description =
          "The largest JSON request body; larger ones are refused with 413 (env KINO_MAX_JSON_BYTES; default ${DEFAULT-VALUE}).")
  int maxJsonBytes;

  @Option(
      names = "--metrics-port",
      defaultValue = "${env:KINO_METRICS_PORT}",
      paramLabel = "PORT",
      description =
          "Also serve GET /metrics (Prometheus' text format) on 127.0.0.1:PORT without a key, for a scraper on this machine; the API's /metrics needs an admin key (env KINO_METRICS_PORT).")
  Integer metricsPort;

  @Option(
      names = "--min-free-space",
      defaultValue = "${env:KINO_MIN_FREE_SPACE:-209715200}",
      paramLabel = "BYTES",
      description =
          "Usable space the data directory must keep; below it the node takes no new work until space returns (env KINO_MIN_FREE_SPACE; default ${DEFAULT-VALUE}, 200 MB).")
  long minFreeSpace;

  @Option(
      names = "--cache-max",
      defaultValue = "${env:KINO_CACHE_MAX:-10737418240}",
      paramLabel = "BYTES",
      description =
          "With --storage: the most this node's local copies of bucket files (inputs its engines read) may take; beyond it the least recently used go first, and any unused for an hour (env KINO_CACHE_MAX; default ${DEFAULT-VALUE}, 10 GiB).")
  long cacheMax;

  @Option(
      names = "--queue-order",
      defaultValue = "${env:KINO_QUEUE_ORDER:-fair}",
      paramLabel = "fair|fifo",
      converter = QueueOrderConverter.class,
      description =
          "Whose job a worker takes first: fair (keys take turns, each key's jobs in order) or fifo (the oldest job of all) (env KINO_QUEUE_ORDER; default ${DEFAULT-VALUE}).")
  QueueOrder queueOrder;

  /** {@code fair} or {@code fifo}, in any case. */
  static final class QueueOrderConverter implements picocli.CommandLine.ITypeConverter<QueueOrder> {
    @Override
    public QueueOrder convert(String value) {
      try {
        return QueueOrder.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "--queue-order takes fair or fifo, got " + value);
      }
    }
  }

  @Option(
      names = "--key-budget-usd",
      defaultValue = "${env:KINO_KEY_BUDGET_USD}",
      paramLabel = "USD",
      description =
          "What one user key's jobs may cost per --key-budget-period, for keys that set no budget_usd; a submit whose estimate would pass what is left is refused with 402 (env KINO_KEY_BUDGET_USD; default: no budget).")
  java.math.BigDecimal keyBudgetUsd;

  @Option(
      names = "--key-budget-period",
      defaultValue = "${env:KINO_KEY_BUDGET_PERIOD:-month}",
      paramLabel = "total|month",
      description =
          "The period of --key-budget-usd (env KINO_KEY_BUDGET_PERIOD; default ${DEFAULT-VALUE}).")
  String keyBudgetPeriod;

  @Option(
      names = "--key-max-running",
      defaultValue = "${env:KINO_KEY_MAX_RUNNING}",
      paramLabel = "N",
      description =
          "Jobs of one user key in progress at once, for keys that set no max_running of their own; its further jobs wait in the queue (env KINO_KEY_MAX_RUNNING; default: no limit).")
  Integer keyMaxRunning;

  @Option(
      names = "--key-max-queued",
      defaultValue = "${env:KINO_KEY_MAX_QUEUED}",
      paramLabel = "N",
      description =
          "Jobs of one user key waiting in the queue, for keys that set no max_queued; a submit beyond it is refused with 429 (env KINO_KEY_MAX_QUEUED; default: no limit).")
  Integer keyMaxQueued;

  @Option(
      names = "--key-submits-per-minute",
      defaultValue = "${env:KINO_KEY_SUBMITS_PER_MINUTE}",
      paramLabel = "N",
      description =
          "Submits one user key may make per minute (a bucket of N, refilled evenly), for keys that set no submits_per_minute; beyond it 429 with Retry-After (env KINO_KEY_SUBMITS_PER_MINUTE; default: no limit).")
  Integer keySubmitsPerMinute;

  @Option(
      names = "--webhook-retries",
      defaultValue = "${env:KINO_WEBHOOK_RETRIES:-0s,5s,5m,30m,2h,5h,10h,10h}",
      description =
          "Wait before each webhook attempt, comma-separated (units ms, s, m, h, d; env KINO_WEBHOOK_RETRIES; default ${DEFAULT-VALUE}, as Standard Webhooks suggests).")
  String webhookRetries;

  @Override
  public Integer call() throws InterruptedException {
    Settings settings =
        new Settings(
            host,
            port,
            dataDir,
            Optional.ofNullable(modelsDir),
            Optional.ofNullable(publicUrl),
            workers,
            fetchAllow == null ? List.of() : fetchAllow,
            Optional.ofNullable(System.getenv("KINO_ADMIN_KEY")).filter(k -> !k.isBlank()),
            Duration.ofSeconds(leaseSeconds),
            maxAttempts,
            fileUrlTtl,
            uploadTtl,
            webhookDelays(),
            comfyui == null ? List.of() : comfyui,
            comfyuiQueueDepth,
            Credentials.fromEnvironment(),
            Optional.ofNullable(database).filter(url -> !url.isBlank()),
            Optional.ofNullable(storage),
            role(),
            new HttpSettings(
                allowedHosts == null ? List.of() : allowedHosts,
                maxJsonBytes,
                metricsPort == null ? OptionalInt.empty() : OptionalInt.of(metricsPort)),
            new DiskSettings(minFreeSpace, cacheMax),
            new KeyLimits(
                limit(keyMaxRunning),
                limit(keyMaxQueued),
                limit(keySubmitsPerMinute),
                budget(keyBudgetUsd, keyBudgetPeriod)),
            queueOrder);
    KinoNode node = KinoNode.start(settings, System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean closing = new AtomicBoolean();
    Runnable stop =
        () -> {
          if (closing.compareAndSet(false, true)) {
            node.close();
          }
          stopped.countDown();
        };
    // SIGTERM and Ctrl-C stop the node in order and the command returns, so the process exits 0
    // (under the JVM's default handling a SIGTERM exit is 143). The hook covers every other end.
    for (String name : List.of("TERM", "INT")) {
      Signal.handle(new Signal(name), signal -> Thread.ofPlatform().name("kino-stop").start(stop));
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "kino-shutdown"));
    stopped.await();
    return 0;
  }

  private static Optional<Budget> budget(java.math.BigDecimal usd, String period) {
    if (usd == null) {
      return Optional.empty();
    }
    if (usd.signum() < 0) {
      throw new ConfigException("--key-budget-usd must not be negative, got " + usd);
    }
    try {
      return Optional.of(new Budget(usd, Budget.Period.parse(period)));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--key-budget-period takes total or month, got " + period);
    }
  }

  private static OptionalInt limit(Integer value) {
    if (value != null && value < 0) {
      throw new ConfigException("a key limit must not be negative, got " + value);
    }
    return value == null ? OptionalInt.empty() : OptionalInt.of(value);
  }

  /** What this node does. */
  Role role() {
    return noWorkers ? Role.API : Role.API_AND_WORKERS;
  }

  private List<Duration> webhookDelays() {
    try {
      return RetrySchedule.parse(webhookRetries).delays();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--webhook-retries: " + e.getMessage());
    }
  }
}
