package dev.kino.api;

import dev.kino.dialects.fal.FalQueue;
import dev.kino.jobs.Callback;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobState;
import dev.kino.jobs.JobStore;
import dev.kino.requests.RequestStatus;
import dev.kino.storage.FileStore;
import dev.kino.storage.StoredFile;
import dev.kino.webhooks.WebhookBodies;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a webhook message says, by the format its job's callback asked for: Kino's {@code {type,
 * timestamp, data}} with the result body as {@code data}; fal's payload ({@code request_id}, {@code
 * status} OK or ERROR, the result as {@code payload}), sent when the request ends; or Replicate's
 * prediction, at the start when asked and at the end. Links are made on the base the job was
 * submitted from (or the public URL).
 */
final class WebhookDocuments implements WebhookBodies {
  private final JobStore store;
  private final JobViews views;
  private final Links links;
  private final FileStore files;

  WebhookDocuments(JobStore store, JobViews views, Links links, FileStore files) {
    this.store = store;
    this.views = views;
    this.links = links;
    this.files = files;
  }

  @Override
  public Optional<ObjectNode> body(Job job, JobState state, String type, Instant at) {
    Callback.Format format = job.callback().map(Callback::format).orElse(Callback.Format.KINO);
    String base = links.base(job.baseUrl());
    return switch (format) {
      case KINO -> Optional.of(kino(job, state, type, at, base));
      case FAL -> state.isFinal() ? Optional.of(fal(job, state, base)) : Optional.empty();
      case REPLICATE -> Optional.of(replicate(job, state, base));
    };
  }

  private ObjectNode kino(Job job, JobState state, String type, Instant at, String base) {
    ObjectNode data =
        views.result(base, RequestStatus.of(job, store.requests(), store.log(), false));
    data.put("status", state.wire()); // as of this event, though the job may have moved on since
    if (!state.isFinal()) {
      // A start message says nothing of how the job ended, even when it already has.
      data.putNull("output");
      data.putNull("error");
    }
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("type", type);
    body.put("timestamp", at.toString());
    body.set("data", data);
    return body;
  }

  private ObjectNode fal(Job job, JobState state, String base) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", job.id());
    body.put("gateway_request_id", job.id());
    if (state == JobState.COMPLETED) {
      body.put("status", "OK");
      body.set(
          "payload",
          FalQueue.result(
              job,
              FalQueue.video(
                  job,
                  key -> links.file(base, key),
                  key -> files.find(key).map(StoredFile::size).orElse(0L))));
    } else {
      body.put("status", "ERROR");
      body.put("error", FalQueue.failure(job));
      body.putNull("payload");
    }
    return body;
  }

  private ObjectNode replicate(Job job, JobState state, String base) {
    ObjectNode prediction = ReplicateRoutes.prediction(store.log(), links, base, job, false);
    if (!state.isFinal()) {
      prediction.put("status", "processing"); // as of this event
      prediction.putNull("output");
      prediction.putNull("error");
      prediction.putNull("completed_at");
    }
    return prediction;
  }
}
