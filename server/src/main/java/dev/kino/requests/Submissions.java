package dev.kino.requests;

import dev.kino.idempotency.IdempotencyKeys;
import dev.kino.inputs.InputFiles;
import dev.kino.jobs.Callback;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobRequests;
import dev.kino.jobs.NewJob;
import dev.kino.models.Model;
import dev.kino.storage.DiskSpace;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Submit, as a use case: the body checked against the model (every problem at once, defaults
 * applied) and the webhook fields taken out; then the {@code Idempotency-Key} claimed, so a replay
 * answers with the original request before any check that costs a network round trip; then the URLs
 * checked; then the job queued durably, if the key's limits allow, and idle workers woken. Refusals
 * are {@link dev.kino.models.InvalidInputException}, {@link IdempotencyConflict} and {@link
 * dev.kino.jobs.LimitReached}.
 */
public final class Submissions {
  private final JobRequests jobs;
  private final IdempotencyKeys idempotency;
  private final UrlChecks urls;
  private final Runnable onSubmit;
  private final DiskSpace disk;
  private final Clock clock;
  private final int maxAttempts;

  public Submissions(
      JobRequests jobs,
      InputFiles inputs,
      IdempotencyKeys idempotency,
      Runnable onSubmit,
      DiskSpace disk,
      Clock clock,
      int maxAttempts) {
    this.disk = disk;
    this.jobs = jobs;
    this.idempotency = idempotency;
    this.urls = new UrlChecks(inputs);
    this.onSubmit = onSubmit;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
  }

  public Submitted submit(Submission request) {
    Optional<Callback> callback = WebhookFields.callback(request.body());
    ObjectNode input = request.model().validate(WebhookFields.removedFrom(request.body()));
    String id = UUID.randomUUID().toString();
    Optional<String> key = request.idempotencyKey();
    if (key.isPresent()) {
      Optional<Job> earlier = claim(request, key.get(), id);
      if (earlier.isPresent()) {
        return new Submitted(earlier.get(), true);
      }
    }
    try {
      disk.requireRoom();
      urls.check(input, callback, request.owner());
      NewJob job =
          new NewJob(
              id,
              request.owner(),
              request.model().id(),
              input,
              maxAttempts,
              callback,
              request.baseUrl());
      Job stored =
          jobs.submit(
              job, clock.instant(), request.limits().reserving(estimate(request.model(), input)));
      onSubmit.run();
      return new Submitted(stored, false);
    } catch (RuntimeException e) {
      key.ifPresent(k -> idempotency.release(request.owner(), k, id)); // the key stays free to use
      throw e;
    }
  }

  /**
   * The input a submit of {@code body} would queue (defaults applied), checked as a submit checks
   * it but for the URLs, which an estimate does not fetch; nothing is stored.
   */
  public ObjectNode checkedInput(Model model, JsonNode body) {
    WebhookFields.callback(body);
    return model.validate(WebhookFields.removedFrom(body));
  }

  /** What the job will cost by its model's pricing, reserved against its key's budget. */
  private static Optional<BigDecimal> estimate(Model model, ObjectNode input) {
    return model.definition().pricing().map(p -> p.estimate(input).usd());
  }

  /** The request this key made before with the same body, or empty when the key is now ours. */
  private Optional<Job> claim(Submission request, String key, String id) {
    String fingerprint = Fingerprint.of(request.model().id(), request.body());
    return switch (idempotency.claim(request.owner(), key, fingerprint, id)) {
      case IdempotencyKeys.Claim.Fresh fresh -> Optional.empty();
      case IdempotencyKeys.Claim.Replay replay ->
          Optional.of(jobs.find(replay.requestId()).orElseThrow());
      case IdempotencyKeys.Claim.Mismatch mismatch ->
          throw IdempotencyConflict.reused(mismatch.requestId());
      case IdempotencyKeys.Claim.InProgress busy -> throw IdempotencyConflict.inProgress();
    };
  }
}
