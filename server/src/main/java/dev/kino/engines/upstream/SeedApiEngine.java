package dev.kino.engines.upstream;

import dev.kino.engines.Engine;
import dev.kino.engines.EngineException;
import dev.kino.engines.EngineResult;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Reporter;
import dev.kino.engines.Slots;
import dev.kino.inputs.UrlFetcher;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs models on a provider that serves the seed API itself (engine {@code runcomfy}: RunComfy's Model API, or
 * another Kino, which federates two Kinos). Per job: submit the validated input (with an Idempotency-Key from
 * the job id), record the provider's request id in the job, poll its status (queue position and progress become
 * log lines and progress), then keep the outputs in Kino's storage. A job claimed again after a crash polls the
 * request it recorded instead of paying for a second run. At most {@code concurrency} jobs run at once; a 429
 * on submit puts the job back in the queue for as long as the provider asks (on a poll, the poll waits); an
 * unreachable provider is waited for, then the job goes back to the queue.
 */
public final class SeedApiEngine implements Engine, AutoCloseable {
  private static final Duration FIRST_POLL = Duration.ofMillis(200);
  private static final Duration MAX_POLL = Duration.ofSeconds(2);
  /** How long a provider may stay unreachable (restarting, say) before the attempt gives up. */
  private static final Duration UNREACHABLE_FOR = Duration.ofMinutes(2);

  private final Map<String, UpstreamModel> models;
  private final SeedApiClient client = new SeedApiClient();
  private final ProviderOutputs outputs;
  private final Slots permits;

  public SeedApiEngine(List<UpstreamModel> models, UrlFetcher fetcher) {
    this.models = models.stream().collect(Collectors.toMap(UpstreamModel::id, Function.identity()));
    this.outputs = new ProviderOutputs(fetcher);
    this.permits = Slots.permits(models.stream().mapToInt(UpstreamModel::concurrency).max().orElse(UpstreamModel.DEFAULT_CONCURRENCY));
  }

  @Override
  public Optional<Slots> slots() {
    return Optional.of(permits);
  }

  @Override
  public boolean cancelsRunningJobs() {
    return true;
  }

  @Override
  public EngineResult run(EngineTask task, Reporter reporter) throws EngineException, InterruptedException {
    UpstreamModel model = models.get(task.modelId());
    if (model == null) {
      throw new EngineException("model_unavailable", "no upstream for " + task.modelId() + " on this node");
    }
    Optional<String> recorded = task.state().map(s -> s.path("request_id").asString("")).filter(id -> !id.isBlank());
    String requestId;
    if (recorded.isPresent()) {
      requestId = recorded.get();
      reporter.log("resuming upstream request " + requestId + " at " + model.baseUrl());
    } else {
      requestId = submit(model, task, reporter);
    }
    JsonNode result = follow(model, requestId, task, reporter);
    ObjectNode metadata = JsonMapper.shared().createObjectNode();
    metadata.put("engine", "runcomfy");
    metadata.put("provider", model.baseUrl().toString());
    metadata.put("provider_model", model.providerModel());
    metadata.put("provider_request_id", requestId);
    return new EngineResult(outputs.download(result.path("output"), task.workDir()), metadata);
  }

  private String submit(UpstreamModel model, EngineTask task, Reporter reporter) throws EngineException, InterruptedException {
    ObjectNode input = task.input().deepCopy();
    if (!model.sendSeed()) {
      input.remove("seed");
    }
    Retries retries = new Retries(reporter);
    while (true) {
      try {
        String requestId = client.submit(model, input, "kino-" + task.jobId());
        ObjectNode state = JsonMapper.shared().createObjectNode().put("request_id", requestId).put("provider", model.baseUrl().toString());
        reporter.checkpoint(state);
        reporter.log("submitted to " + model.baseUrl() + " as " + model.providerModel() + ", request " + requestId);
        return requestId;
      } catch (SeedApiClient.Refused e) {
        throw new EngineException("provider_refused", "the provider refused the request (" + e.status + "): " + e.getMessage());
      } catch (SeedApiClient.Busy e) {
        // Nothing was started: the job waits in Kino's queue, not in a worker, and keeps its attempts.
        reporter.log("the provider is busy (" + e.getMessage() + "); back in the queue for " + e.retryAfter.toSeconds() + " s");
        throw EngineException.later("provider_busy", "the provider is at its limit: " + e.getMessage(), e.retryAfter);
      } catch (IOException e) {
        retries.unreachable(e);
      }
    }
  }

  /**
   * Polls until the request ends; returns its result (completed), or throws with the provider's message. A
   * client's cancel is forwarded: cancelled there, the job ends cancelled; refused (the provider had started it),
   * the job carries on and the client hears {@code not_cancellable}.
   */
  private JsonNode follow(UpstreamModel model, String requestId, EngineTask task, Reporter reporter) throws EngineException, InterruptedException {
    Retries retries = new Retries(reporter);
    Duration wait = FIRST_POLL;
    long shownPosition = -1;
    while (true) {
      try {
        JsonNode status = client.status(model, requestId);
        retries.reset();
        switch (status.path("status").asString("")) {
          case "completed", "succeeded" -> {
            return client.result(model, requestId);
          }
          case "failed" -> {
            JsonNode error = client.result(model, requestId).path("error");
            String why = error.isString() ? error.asString() : error.path("message").asString(error.path("code").asString("no reason given"));
            throw new EngineException("provider_failed", "the provider failed the request: " + why);
          }
          case "cancelled" -> throw new EngineException("provider_cancelled", "the request was cancelled at the provider");
          case "in_queue" -> {
            long position = status.path("queue_position").asLong(-1);
            if (position >= 0 && position != shownPosition) {
              reporter.log("waiting at the provider, queue position " + position);
              shownPosition = position;
            }
          }
          default -> status.path("progress").asOptional().ifPresent(p -> reporter.progress(Math.min(0.99, p.asDouble())));
        }
        Thread.sleep(wait);
        wait = wait.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : wait.multipliedBy(2);
      } catch (SeedApiClient.Refused e) {
        throw new EngineException("provider_lost", "the provider no longer answers for request " + requestId + " (" + e.status + "): " + e.getMessage());
      } catch (SeedApiClient.Busy e) {
        retries.busy(e);
      } catch (IOException e) {
        retries.unreachable(e);
      } catch (InterruptedException e) {
        if (!task.cancelRequested().getAsBoolean() || cancel(model, requestId, reporter)) {
          throw e;
        }
        reporter.cancelRefused("the provider is already running request " + requestId);
      }
    }
  }

  /** Forwards a client's cancel; true when the provider cancelled. */
  private boolean cancel(UpstreamModel model, String requestId, Reporter reporter) {
    try {
      String outcome = client.cancel(model, requestId);
      reporter.log("the provider answered the cancel: " + outcome);
      return outcome.equals("cancelled");
    } catch (IOException | SeedApiClient.Busy | SeedApiClient.Refused e) {
      reporter.log("the provider did not take the cancel: " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits between failed calls: as long as a 429 asks, or growing while the provider is unreachable. */
  private static final class Retries {
    private final Reporter reporter;
    private long unreachableSince = -1;
    private Duration backoff = Duration.ofMillis(500);

    Retries(Reporter reporter) {
      this.reporter = reporter;
    }

    void reset() {
      unreachableSince = -1;
      backoff = Duration.ofMillis(500);
    }

    void busy(SeedApiClient.Busy e) throws InterruptedException {
      reporter.log("the provider is busy (" + e.getMessage() + "); trying again in " + e.retryAfter.toSeconds() + " s");
      Thread.sleep(e.retryAfter);
    }

    void unreachable(IOException e) throws EngineException, InterruptedException {
      long now = System.nanoTime();
      if (unreachableSince < 0) {
        unreachableSince = now;
        reporter.log("the provider cannot be reached (" + e.getMessage() + "); trying again");
      } else if (now - unreachableSince > UNREACHABLE_FOR.toNanos()) {
        throw EngineException.retryable("provider_unavailable", "the provider could not be reached for " + UNREACHABLE_FOR.toMinutes() + " minutes: " + e.getMessage(), e);
      }
      Thread.sleep(backoff);
      backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0 ? Duration.ofSeconds(10) : backoff.multipliedBy(2);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
