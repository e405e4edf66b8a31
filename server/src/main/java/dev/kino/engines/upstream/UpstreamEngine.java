package dev.kino.engines.upstream;

import dev.kino.engines.Engine;
import dev.kino.engines.EngineException;
import dev.kino.engines.EngineResult;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import dev.kino.engines.OutputFile;
import dev.kino.engines.Reporter;
import dev.kino.engines.Slots;
import dev.kino.inputs.UrlFetcher;
import dev.kino.models.InputRule;
import dev.kino.models.ModelDefinition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs models on an upstream provider ({@link Provider}: the seed API at RunComfy or another Kino,
 * Kling's own API, fal's queue). Per job: start the provider's task, with what finds it again
 * recorded in the job first; follow it (queue position, progress and the provider's log lines reach
 * the client); keep its outputs in Kino's storage. A job claimed again after a crash follows the
 * task it recorded instead of paying for a second run.
 *
 * <p>At most {@code concurrency} jobs run at once. A provider at the account's limit when a task is
 * started puts the job back in Kino's queue (no attempt used) for as long as it asks, or with a
 * backoff that grows with each refusal; an unreachable provider is waited for, then the job goes
 * back to the queue for another attempt.
 */
public final class UpstreamEngine implements Engine, AutoCloseable {
  private static final Duration FIRST_POLL = Duration.ofMillis(200);
  private static final Duration MAX_POLL = Duration.ofSeconds(2);

  /**
   * Back in the queue after a refusal that names no time: 1 s, doubling per refusal, at most a
   * minute.
   */
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
  private static final String REFUSALS = "busy_refusals";

  /** When the provider took the task (epoch milliseconds), for the route's time limit. */
  private static final String SUBMITTED_AT = "submitted_at";

  private final Provider provider;
  private final Map<String, UpstreamModel> models;
  private final ProviderOutputs outputs;
  private final Slots permits;

  UpstreamEngine(Provider provider, List<UpstreamModel> models, UrlFetcher fetcher) {
    this.provider = provider;
    models.forEach(provider::check);
    this.models =
        models.stream()
            .collect(
                Collectors.toMap(m -> UpstreamModel.key(m.id(), m.route()), Function.identity()));
    this.outputs = new ProviderOutputs(fetcher);
    // One account's tasks: the provider and the keys its models use (no key material in the name).
    this.permits =
        Slots.permits(
            "upstream " + provider.engine() + " " + accountOf(models, provider.account()),
            models.stream()
                .mapToInt(UpstreamModel::concurrency)
                .max()
                .orElse(UpstreamModel.DEFAULT_CONCURRENCY));
    KeyChecks.start(provider, models);
  }

  /** The account behind these models: their base URL and the names of the variables with keys. */
  private static String accountOf(List<UpstreamModel> models, UpstreamModel.Account account) {
    return models.stream()
        .map(m -> m.accountName(account))
        .distinct()
        .sorted()
        .collect(Collectors.joining(" | "));
  }

  @Override
  public Optional<Slots> slots() {
    return Optional.of(permits);
  }

  @Override
  public boolean cancelsRunningJobs() {
    return provider.cancels();
  }

  @Override
  public Optional<InputRule> inputRule(ModelDefinition model) {
    return Optional.ofNullable(models.get(UpstreamModel.key(model.id(), model.routeName())))
        .flatMap(provider::inputRule);
  }

  @Override
  public EngineResult run(EngineTask task, Reporter reporter)
      throws EngineException, InterruptedException {
    UpstreamModel model =
        task.route()
            .map(route -> models.get(UpstreamModel.key(task.modelId(), route)))
            .orElse(null);
    if (model == null) {
      throw new EngineException(
          "model_unavailable",
          "no upstream for "
              + task.modelId()
              + task.route().map(r -> " on route " + r).orElse("")
              + " on this node");
    }
    RunState run = new RunState(task.state(), reporter);
    Optional<ObjectNode> recorded = task.state().flatMap(provider::ticket);
    ObjectNode ticket;
    if (recorded.isPresent()) {
      ticket = recorded.get();
      reporter.log(
          "resuming upstream request " + provider.taskId(ticket) + " at " + model.baseUrl());
    } else {
      ticket = start(model, task, run);
    }
    ObjectNode output = follow(model, ticket, task, run);
    ObjectNode metadata = JsonMapper.shared().createObjectNode();
    metadata.put("engine", provider.engine());
    metadata.put("provider", model.baseUrl().toString());
    metadata.put("provider_model", model.providerModel());
    metadata.put("provider_request_id", provider.taskId(ticket));
    return new EngineResult(kept(model, ticket, output, task.workDir()), metadata);
  }

  /**
   * The outputs, fetched by the provider itself when only it can serve them, else from their URLs.
   */
  private List<OutputFile> kept(
      UpstreamModel model, ObjectNode ticket, ObjectNode output, Path workDir)
      throws EngineException, InterruptedException {
    try {
      Optional<List<OutputFile>> own = provider.keep(model, ticket, workDir);
      if (own.isPresent()) {
        return own.get();
      }
    } catch (IOException | ProviderHttp.Busy | ProviderHttp.Refused e) {
      throw new EngineException(
          "output_unreadable", "the provider's output could not be fetched: " + e.getMessage(), e);
    }
    return outputs.download(output, workDir);
  }

  private ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws EngineException, InterruptedException {
    Retries retries = new Retries(run::log);
    while (true) {
      try {
        ObjectNode ticket = provider.start(model, task, run);
        run.record(
            JsonMapper.shared().createObjectNode().put(SUBMITTED_AT, System.currentTimeMillis()));
        run.log(
            "submitted to "
                + model.baseUrl()
                + " as "
                + model.providerModel()
                + ", request "
                + provider.taskId(ticket));
        return ticket;
      } catch (ProviderHttp.Refused e) {
        ProviderFailure failure = provider.refusal(e);
        if (!failure.code().equals(Failures.BUSY)) {
          throw failure.exception(
              provider.engine(), e.status, "the provider refused the request (" + e.status + ")");
        }
        throw later(run, new ProviderHttp.Busy(e.reply.retryAfter(), e.getMessage()));
      } catch (ProviderHttp.Busy e) {
        throw later(run, e);
      } catch (IOException e) {
        if (task.failover() && nothingStarted(e)) {
          throw new ProviderFailure(Failures.UNAVAILABLE, e.getMessage())
              .exception(provider.engine(), 0, "the provider cannot take the request");
        }
        retries.unreachable(e);
      }
    }
  }

  /**
   * Whether a failed call plainly started nothing: the connection was refused, or the provider
   * answered with its own outage. (A call that timed out may have started a task.)
   */
  private static boolean nothingStarted(IOException e) {
    return e instanceof ProviderHttp.Outage
        || e instanceof java.net.ConnectException
        || e instanceof java.net.http.HttpConnectTimeoutException;
  }

  /**
   * A busy provider: nothing was started, so the job waits in Kino's queue, not in a worker, and
   * keeps its attempts.
   */
  private EngineException later(RunState run, ProviderHttp.Busy e) throws InterruptedException {
    int refusals = run.current().path(REFUSALS).asInt(0) + 1;
    Duration after = e.retryAfter.orElseGet(() -> backoff(refusals));
    run.record(JsonMapper.shared().createObjectNode().put(REFUSALS, refusals));
    run.log(
        "the provider is busy ("
            + e.getMessage()
            + "); back in the queue for "
            + after.toSeconds()
            + " s");
    return EngineException.later(
            Failures.BUSY, "the provider is at its limit: " + e.getMessage(), after)
        .withDetail(
            new ProviderFailure(Failures.BUSY, e.getMessage()).detail(provider.engine(), 0));
  }

  private static Duration backoff(int refusals) {
    Duration wait = FIRST_BACKOFF.multipliedBy(1L << Math.min(refusals - 1, 10));
    return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
  }

  /**
   * Polls until the task ends; returns its output, or throws with the provider's message. A
   * client's cancel is forwarded: cancelled there, the job ends cancelled; refused (the provider
   * had started it), the job carries on and the client hears {@code not_cancellable}.
   */
  private ObjectNode follow(UpstreamModel model, ObjectNode ticket, EngineTask task, RunState run)
      throws EngineException, InterruptedException {
    Reporter reporter = run.reporter();
    Retries retries = new Retries(reporter::log);
    Optional<Instant> deadline = deadline(model, run);
    Duration wait = FIRST_POLL;
    long shownPosition = -1;
    int shownLines = 0;
    String id = provider.taskId(ticket);
    while (true) {
      try {
        Provider.Poll poll = provider.poll(model, ticket);
        retries.reset();
        switch (poll) {
          case Provider.Poll.Done done -> {
            return done.output() instanceof ObjectNode output
                ? output
                : JsonMapper.shared().createObjectNode();
          }
          case Provider.Poll.Failed failed ->
              throw provider
                  .failure(failed)
                  .exception(provider.engine(), 0, "the provider failed the request");
          case Provider.Poll.Cancelled cancelled ->
              throw new ProviderFailure(
                      Failures.FAILED,
                      "the request was cancelled at the provider",
                      "cancelled",
                      Optional.empty())
                  .exception(provider.engine(), 0, "the provider ended the request");
          case Provider.Poll.Queued queued -> {
            if (queued.position() >= 0 && queued.position() != shownPosition) {
              reporter.log("waiting at the provider, queue position " + queued.position());
              shownPosition = queued.position();
            }
          }
          case Provider.Poll.Running running -> {
            if (running.progress() >= 0) {
              reporter.progress(Math.min(0.99, running.progress()));
            }
            for (; shownLines < running.lines().size(); shownLines++) {
              reporter.log("provider: " + running.lines().get(shownLines));
            }
          }
        }
        if (deadline.isPresent() && Instant.now().isAfter(deadline.get())) {
          throw timedOut(model, ticket, reporter);
        }
        task.checkStop("following request " + id);
        Thread.sleep(wait);
        wait = wait.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : wait.multipliedBy(2);
      } catch (ProviderHttp.Refused e) {
        // A refusal to say how a task stands is never the input's fault.
        ProviderFailure failure = provider.refusal(e);
        if (!Set.of(Failures.AUTH, Failures.QUOTA).contains(failure.code())) {
          failure =
              new ProviderFailure(
                  Failures.FAILED, failure.message(), failure.providerCode(), Optional.empty());
        }
        throw failure.exception(
            provider.engine(),
            e.status,
            "the provider no longer answers for request " + id + " (" + e.status + ")");
      } catch (ProviderHttp.Busy e) {
        retries.busy(e);
      } catch (IOException e) {
        retries.unreachable(e);
      } catch (InterruptedException e) {
        if (!task.cancelRequested().getAsBoolean() || cancel(model, ticket, reporter)) {
          throw e;
        }
        reporter.cancelRefused("the provider is already running request " + id);
      }
    }
  }

  /**
   * When the task must have ended, from the route's {@code timeout_seconds} and the time its task
   * was submitted (recorded, so a resumed attempt keeps the same deadline); empty: no limit.
   */
  private static Optional<Instant> deadline(UpstreamModel model, RunState run) {
    long seconds = model.settings().path("timeout_seconds").asLong(0);
    long submitted = run.current().path(SUBMITTED_AT).asLong(System.currentTimeMillis());
    return seconds > 0
        ? Optional.of(Instant.ofEpochMilli(submitted).plusSeconds(seconds))
        : Optional.empty();
  }

  /** The task ran past its route's limit: asked to stop there (where it can be), then a failure. */
  private EngineException timedOut(UpstreamModel model, ObjectNode ticket, Reporter reporter) {
    long seconds = model.settings().path("timeout_seconds").asLong(0);
    if (provider.cancels()) {
      cancel(model, ticket, reporter);
    }
    return new ProviderFailure(
            Failures.TIMEOUT,
            "request " + provider.taskId(ticket) + " did not finish within " + seconds + " s")
        .exception(provider.engine(), 0, "the route's time limit passed");
  }

  /** Forwards a client's cancel; true when the provider cancelled. */
  private boolean cancel(UpstreamModel model, ObjectNode ticket, Reporter reporter) {
    try {
      boolean cancelled = provider.cancel(model, ticket);
      reporter.log(
          "the provider answered the cancel: " + (cancelled ? "cancelled" : "not_cancellable"));
      return cancelled;
    } catch (IOException | ProviderHttp.Busy | ProviderHttp.Refused e) {
      reporter.log("the provider did not take the cancel: " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    provider.close();
  }
}
