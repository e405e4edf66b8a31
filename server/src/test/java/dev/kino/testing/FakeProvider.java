package dev.kino.testing;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the fakes of hosted video providers share: an HTTP server on loopback that can be restarted
 * on the same port with its tasks kept (a provider's API restarting while its tasks carry on),
 * tasks that are queued, then run, then succeed or fail as time passes, the MP4 each success serves
 * at its own URL, and the requests received. Subclasses speak one provider's documented protocol on
 * top.
 */
public abstract class FakeProvider implements AutoCloseable {
  protected static final JsonMapper JSON = JsonMapper.shared();
  protected static final byte[] VIDEO = Images.twoSecondVideo();

  protected final Map<String, Task> tasks = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger refuseNext = new AtomicInteger();
  private final AtomicInteger maxOpen = new AtomicInteger();
  private final AtomicReference<String> failNext = new AtomicReference<>();
  private final AtomicReference<String> failNextWith = new AtomicReference<>();
  private volatile Duration queuedFor = Duration.ofMillis(300);
  private volatile Duration runFor = Duration.ofMillis(600);
  private volatile Javalin app;
  private volatile boolean closed;
  private int port;

  /** One request as it arrived: method, path, and JSON body (missing when none). */
  public record Received(String method, String path, JsonNode body) {}

  /**
   * A task's life: queued until {@code runsAt}, running until {@code endsAt}, then done (failed
   * with a message).
   */
  protected static final class Task {
    public final String id;
    public final JsonNode input;
    public final long createdAt = System.currentTimeMillis();
    final long runsAt;
    final long endsAt;
    public final String failure;

    /** How it fails, in Kino's words ({@code provider_failed} unless a test asked otherwise). */
    public final String failureCode;

    public volatile boolean cancelled;

    Task(
        String id,
        JsonNode input,
        Duration queued,
        Duration run,
        String failure,
        String failureCode) {
      this.id = id;
      this.input = input;
      this.runsAt = createdAt + queued.toMillis();
      this.endsAt = runsAt + run.toMillis();
      this.failure = failure;
      this.failureCode = failureCode;
    }

    public boolean queued() {
      return System.currentTimeMillis() < runsAt;
    }

    public boolean running() {
      return !cancelled && !queued() && System.currentTimeMillis() < endsAt;
    }

    public boolean finished() {
      return cancelled || System.currentTimeMillis() >= endsAt;
    }

    public double progress() {
      return Math.min(
          1.0, (System.currentTimeMillis() - runsAt) / (double) Math.max(1, endsAt - runsAt));
    }
  }

  protected FakeProvider() {
    app = serve(0);
    port = app.port();
  }

  /** The provider's routes, added to each incarnation of the server. */
  protected abstract void routes(JavalinConfig config);

  private Javalin serve(int onPort) {
    return Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.jetty.host = "127.0.0.1";
              config.jetty.port = onPort;
              config.routes.get("/outputs/{name}", this::output);
              routes(config);
            })
        .start();
  }

  /**
   * A task's video, at a URL that expires as providers' do: {@code outputLifetime} after the task
   * ended it answers 403.
   */
  private void output(Context ctx) {
    Task task = tasks.get(ctx.pathParam("name").replaceFirst("\\.mp4$", ""));
    if (task != null && System.currentTimeMillis() > task.endsAt + outputLifetime.toMillis()) {
      ctx.status(403)
          .contentType("application/xml")
          .result("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>");
      return;
    }
    ctx.contentType("video/mp4").result(VIDEO);
  }

  private volatile Duration outputLifetime = Duration.ofMinutes(10);

  /** How long a finished task's video URL works (providers' expire within hours or a day). */
  public FakeProvider outputLifetime(Duration lifetime) {
    outputLifetime = lifetime;
    return this;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  // --- what tests set
  // -------------------------------------------------------------------------------------------

  /** Tasks wait this long in the provider's queue, then run this long. */
  public FakeProvider timing(Duration queued, Duration running) {
    queuedFor = queued;
    runFor = running;
    return this;
  }

  /** The next n task creations are refused as over the account's concurrency limit. */
  public FakeProvider refuseNext(int n) {
    refuseNext.set(n);
    return this;
  }

  /** The next task created fails with this message once it has run. */
  public FakeProvider failNext(String message) {
    failNext.set(message);
    return this;
  }

  /**
   * The next task creation fails the way this provider says {@code code} (one of Kino's failure
   * codes): refused at creation, or the task failing when it has run, whichever the provider does
   * for it; {@code timeout}: the task runs for ten minutes.
   */
  public FakeProvider failNextWith(String code) {
    failNextWith.set(code);
    return this;
  }

  /**
   * The API goes away (connections refused) for {@code down}, then comes back on the same port;
   * tasks go on.
   */
  public void restart(Duration down) {
    app.stop();
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                Thread.sleep(down);
              } catch (InterruptedException e) {
                return;
              }
              if (!closed) {
                app = serve(port);
              }
            });
  }

  // --- what tests read
  // ------------------------------------------------------------------------------------------

  public List<Received> received() {
    return List.copyOf(received);
  }

  /**
   * The bodies of the requests received on paths starting with {@code prefix} by {@code method}.
   */
  public List<JsonNode> bodies(String method, String prefix) {
    return received.stream()
        .filter(r -> r.method().equals(method) && r.path().startsWith(prefix))
        .map(Received::body)
        .toList();
  }

  /** Whether a task is running now (neither waiting in the queue nor ended). */
  public boolean anyRunning() {
    return tasks.values().stream().anyMatch(Task::running);
  }

  /** Whether every finished task's video URL has expired ({@link #outputLifetime}). */
  public boolean outputsExpired() {
    long now = System.currentTimeMillis();
    return tasks.values().stream()
        .filter(Task::finished)
        .allMatch(t -> now > t.endsAt + outputLifetime.toMillis());
  }

  public int tasksCreated() {
    return tasks.size();
  }

  // --- for the protocols
  // ----------------------------------------------------------------------------------------

  /** Records a call whose body is not JSON (a multipart form) as the fields it carried. */
  protected final void recordForm(Context ctx, JsonNode fields) {
    received.add(new Received(ctx.method().name(), ctx.path(), fields));
  }

  /**
   * Records the start-up check of a key (a call that spends nothing) apart from {@link #received},
   * which holds the calls that start, follow or stop work.
   */
  protected final void recordKeyCheck(Context ctx) {
    keyChecks.incrementAndGet();
  }

  /** How many start-up checks of a key arrived. */
  public int keyChecks() {
    return keyChecks.get();
  }

  private final AtomicInteger keyChecks = new AtomicInteger();

  protected final JsonNode record(Context ctx) {
    JsonNode body = ctx.body().isBlank() ? JSON.missingNode() : JSON.readTree(ctx.body());
    received.add(new Received(ctx.method().name(), ctx.path(), body));
    return body;
  }

  /**
   * True (once per refusal asked for) when this creation must be refused as over the limit: {@link
   * #refuseNext}, or {@link #failNextWith} {@code provider_busy}.
   */
  protected final boolean refuseThisOne() {
    return failNextWith.compareAndSet("provider_busy", null)
        || refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  /**
   * Whether this creation is refused as {@code code} was asked for ({@link #failNextWith}); the
   * refusal is then spent.
   */
  protected final boolean refusingAs(String code) {
    return failNextWith.compareAndSet(code, null);
  }

  /**
   * The failure a test asked this creation to have ({@link #failNextWith}), once; the provider
   * answers it at creation when it does so, else its task carries it ({@link #newTask}).
   */
  protected final java.util.Optional<String> failingWith() {
    return java.util.Optional.ofNullable(failNextWith.get());
  }

  protected final Task newTask(String id, JsonNode input) {
    String code = failNextWith.getAndSet(null);
    String message = failNext.getAndSet(null);
    if (code != null && message == null) {
      message = "failed as " + code;
    }
    Duration runs = "timeout".equals(code) ? Duration.ofMinutes(10) : runFor;
    Task task =
        new Task(
            id,
            input,
            queuedFor,
            runs,
            "timeout".equals(code) ? null : message,
            code == null ? "provider_failed" : code);
    tasks.put(id, task);
    maxOpen.accumulateAndGet(
        (int) tasks.values().stream().filter(t -> !t.finished()).count(), Math::max);
    return task;
  }

  /** The most tasks ever open at once (created, not yet finished): an account's concurrency. */
  public int maxOpen() {
    return maxOpen.get();
  }

  protected static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
  }

  protected final String outputUrl(Task task) {
    return url() + "/outputs/" + task.id + ".mp4";
  }

  @Override
  public void close() {
    closed = true;
    app.stop();
  }
}
