package dev.kino.config;

import dev.kino.jobs.QueueOrder;
import dev.kino.keys.KeyLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a Kino node is configured with, validated once at start-up and immutable afterwards.
 *
 * @param port HTTP port (0 picks a free one, useful in tests)
 * @param dataDir holds the SQLite database, stored files and the URL-signing secret
 * @param modelsDir optional directory of extra model definitions, loaded after the built-in ones
 * @param publicUrl base of the absolute URLs the API returns; empty means "derive from each
 *     request"
 * @param workers how many jobs this node runs at once (0: accept and queue only)
 * @param fetchAllow hosts or CIDR ranges that input URLs may reach although they are private or
 *     loopback
 * @param adminKey an admin API key given by the operator (KINO_ADMIN_KEY), never stored
 * @param lease how long a claimed job stays owned without a heartbeat
 * @param maxAttempts how many times a job is started before a lost lease fails it
 * @param fileUrlTtl how long a signed output URL stays valid
 * @param uploadTtl how long an uploaded input file is kept
 * @param webhookRetries the wait before each webhook attempt (the first is usually zero)
 * @param comfyuiServers the ComfyUI servers that run models whose engine is {@code comfyui}
 * @param comfyuiQueueDepth how many Kino jobs a ComfyUI server takes at once: one running, the
 *     others' prompts waiting in its own queue so the GPU never waits for Kino (1: one at a time)
 * @param credentials where upstream engines read the API keys their definitions name
 * @param database a PostgreSQL URL ({@code postgresql://...}) shared by a cluster's nodes; empty:
 *     SQLite in the data directory
 * @param storage an S3 location ({@code s3://bucket/prefix}) for outputs and uploads, shared by a
 *     cluster's nodes; empty: the data directory
 * @param role what this node does: API and workers, only the API, or only workers
 * @param http what the HTTP API accepts (allowed Host names, the largest JSON body)
 * @param disk how much room the data directory must keep
 */
public record Settings(
    String host,
    int port,
    Path dataDir,
    Optional<Path> modelsDir,
    Optional<URI> publicUrl,
    int workers,
    List<String> fetchAllow,
    Optional<String> adminKey,
    Duration lease,
    int maxAttempts,
    Duration fileUrlTtl,
    Duration uploadTtl,
    List<Duration> webhookRetries,
    List<URI> comfyuiServers,
    int comfyuiQueueDepth,
    Credentials credentials,
    Optional<String> database,
    Optional<URI> storage,
    Role role,
    HttpSettings http,
    DiskSettings disk,
    KeyLimits keyDefaults,
    QueueOrder queueOrder) {

  public Settings {
    Objects.requireNonNull(queueOrder, "queueOrder");
    Objects.requireNonNull(keyDefaults, "keyDefaults");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(disk, "disk");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(dataDir, "dataDir");
    if (port < 0 || port > 65535) {
      throw new ConfigException("--port must be between 0 and 65535, got " + port);
    }
    if (workers < 0 || workers > 256) {
      throw new ConfigException("--workers must be between 0 and 256, got " + workers);
    }
    if (comfyuiQueueDepth < 1 || comfyuiQueueDepth > 8) {
      throw new ConfigException(
          "--comfyui-queue-depth must be between 1 and 8, got " + comfyuiQueueDepth);
    }
    if (maxAttempts < 1) {
      throw new ConfigException("max attempts must be at least 1, got " + maxAttempts);
    }
    if (lease.toMillis() < 1000) {
      throw new ConfigException("the job lease must be at least one second, got " + lease);
    }
    if (uploadTtl.toSeconds() < 60) {
      throw new ConfigException("--upload-ttl must be at least a minute, got " + uploadTtl);
    }
    publicUrl.ifPresent(Settings::requireHttpBase);
    modelsDir.ifPresent(
        dir -> {
          if (!dir.toFile().isDirectory()) {
            throw new ConfigException("--models-dir " + dir + " is not a directory");
          }
        });
    adminKey.ifPresent(
        key -> {
          if (key.length() < 16) {
            throw new ConfigException("KINO_ADMIN_KEY must be at least 16 characters long");
          }
        });
    database.ifPresent(
        url -> {
          if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) {
            throw new ConfigException(
                "--database takes a PostgreSQL URL (postgresql://user:password@host:5432/kino), got a URL of another kind");
          }
        });
    if (role == Role.WORKERS && database.isEmpty()) {
      throw new ConfigException(
          "kino worker needs the cluster's database (--database postgresql://...): on its own a node runs its jobs with kino serve");
    }
    if (webhookRetries.isEmpty() || webhookRetries.stream().anyMatch(Duration::isNegative)) {
      throw new ConfigException("--webhook-retries needs at least one delay, none negative");
    }
    fetchAllow = List.copyOf(fetchAllow);
    webhookRetries = List.copyOf(webhookRetries);
    comfyuiServers.forEach(Settings::requireHttpBase);
    comfyuiServers = List.copyOf(comfyuiServers);
    dataDir = dataDir.toAbsolutePath().normalize();
  }

  private static void requireHttpBase(URI uri) {
    String scheme = uri.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
      throw new ConfigException(
          "--public-url and --comfyui take absolute http(s) URLs, got " + uri);
    }
  }

  /** Settings for tests and tools: loopback, a free port, defaults for the rest. */
  public static Settings forDataDir(Path dataDir) {
    return new Settings(
        "127.0.0.1",
        0,
        dataDir,
        Optional.empty(),
        Optional.empty(),
        2,
        List.of(),
        Optional.empty(),
        Duration.ofSeconds(30),
        3,
        Duration.ofHours(24),
        Duration.ofDays(7),
        STANDARD_WEBHOOK_RETRIES,
        List.of(),
        DEFAULT_COMFYUI_QUEUE_DEPTH,
        Credentials.of(Map.of()),
        Optional.empty(),
        Optional.empty(),
        Role.API_AND_WORKERS,
        HttpSettings.DEFAULTS,
        DiskSettings.DEFAULTS,
        KeyLimits.NONE,
        QueueOrder.FAIR);
  }

  /** One prompt running on a server and the next one waiting in its queue. */
  public static final int DEFAULT_COMFYUI_QUEUE_DEPTH = 2;

  /** Standard Webhooks' suggestion: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
  public static final List<Duration> STANDARD_WEBHOOK_RETRIES =
      List.of(
          Duration.ZERO,
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofMinutes(30),
          Duration.ofHours(2),
          Duration.ofHours(5),
          Duration.ofHours(10),
          Duration.ofHours(10));

  public Settings withDatabase(String url) {
    return with(copy -> copy.database = Optional.of(url));
  }

  public Settings withStorage(URI location) {
    return with(copy -> copy.storage = Optional.of(location));
  }

  public Settings withDisk(DiskSettings d) {
    return with(copy -> copy.disk = d);
  }

  public Settings withHttp(HttpSettings h) {
    return with(copy -> copy.http = h);
  }

  public Settings withRole(Role r) {
    return with(copy -> copy.role = r);
  }

  /** The limits of user keys that set none of their own. */
  public Settings withKeyDefaults(KeyLimits defaults) {
    return with(copy -> copy.keyDefaults = defaults);
  }

  public Settings withQueueOrder(QueueOrder order) {
    return with(copy -> copy.queueOrder = order);
  }

  public Settings withPort(int p) {
    return with(copy -> copy.port = p);
  }

  public Settings withWorkers(int n) {
    return with(copy -> copy.workers = n);
  }

  public Settings withFetchAllow(List<String> allow) {
    return with(copy -> copy.fetchAllow = allow);
  }

  public Settings withAdminKey(String key) {
    return with(copy -> copy.adminKey = Optional.of(key));
  }

  public Settings withWebhookRetries(List<Duration> delays) {
    return with(copy -> copy.webhookRetries = delays);
  }

  public Settings withComfyui(List<URI> servers) {
    return with(copy -> copy.comfyuiServers = servers);
  }

  public Settings withComfyuiQueueDepth(int depth) {
    return with(copy -> copy.comfyuiQueueDepth = depth);
  }

  public Settings withCredentials(Credentials c) {
    return with(copy -> copy.credentials = c);
  }

  public Settings withModelsDir(Path dir) {
    return with(copy -> copy.modelsDir = Optional.of(dir));
  }

  public Settings withMaxAttempts(int n) {
    return with(copy -> copy.maxAttempts = n);
  }

  public Settings withPublicUrl(URI url) {
    return with(copy -> copy.publicUrl = Optional.of(url));
  }

  /** These settings with one thing changed (each {@code with...} below). */
  private Settings with(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** The settings' values, to change one and validate the result again. */
  private static final class Copy {
    String host;
    int port;
    Path dataDir;
    Optional<Path> modelsDir;
    Optional<URI> publicUrl;
    int workers;
    List<String> fetchAllow;
    Optional<String> adminKey;
    Duration lease;
    int maxAttempts;
    Duration fileUrlTtl;
    Duration uploadTtl;
    List<Duration> webhookRetries;
    List<URI> comfyuiServers;
    int comfyuiQueueDepth;
    Credentials credentials;
    Optional<String> database;
    Optional<URI> storage;
    Role role;
    HttpSettings http;
    DiskSettings disk;
    KeyLimits keyDefaults;
    QueueOrder queueOrder;

    Copy(Settings from) {
      host = from.host;
      port = from.port;
      dataDir = from.dataDir;
      modelsDir = from.modelsDir;
      publicUrl = from.publicUrl;
      workers = from.workers;
      fetchAllow = from.fetchAllow;
      adminKey = from.adminKey;
      lease = from.lease;
      maxAttempts = from.maxAttempts;
      fileUrlTtl = from.fileUrlTtl;
      uploadTtl = from.uploadTtl;
      webhookRetries = from.webhookRetries;
      comfyuiServers = from.comfyuiServers;
      comfyuiQueueDepth = from.comfyuiQueueDepth;
      credentials = from.credentials;
      database = from.database;
      storage = from.storage;
      role = from.role;
      http = from.http;
      disk = from.disk;
      keyDefaults = from.keyDefaults;
      queueOrder = from.queueOrder;
    }

    Settings build() {
      return new Settings(
          host,
          port,
          dataDir,
          modelsDir,
          publicUrl,
          workers,
          fetchAllow,
          adminKey,
          lease,
          maxAttempts,
          fileUrlTtl,
          uploadTtl,
          webhookRetries,
          comfyuiServers,
          comfyuiQueueDepth,
          credentials,
          database,
          storage,
          role,
          http,
          disk,
          keyDefaults,
          queueOrder);
    }
  }
}
