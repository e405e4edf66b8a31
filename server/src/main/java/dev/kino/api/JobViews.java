package dev.kino.api;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobState;
import dev.kino.jobs.JobStore;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The JSON bodies that describe a job: the seed shapes, plus additive fields (progress, timestamps, metadata). */
final class JobViews {
  private final Links links;
  private final JobStore store;

  JobViews(Links links, JobStore store) {
    this.links = links;
    this.store = store;
  }

  ObjectNode submitted(Context ctx, Job job) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", job.id());
    putLinks(ctx, body, job);
    return body;
  }

  ObjectNode status(Context ctx, Job job) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", job.id());
    body.put("status", job.state().wire());
    if (job.state() == JobState.IN_QUEUE) {
      body.put("queue_position", store.queuePosition(job));
    }
    if (job.state() == JobState.IN_PROGRESS) {
      job.progress().ifPresent(p -> body.put("progress", p));
    }
    putLinks(ctx, body, job);
    timestamps(body, job);
    body.put("attempt", job.attempt());
    return body;
  }

  ObjectNode result(Context ctx, Job job) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", job.id());
    body.put("status", job.state().wire());
    if (job.state() == JobState.IN_QUEUE) {
      body.put("queue_position", store.queuePosition(job));
    }
    body.set("output", job.output().map(o -> signedOutput(ctx, o)).orElse(null));
    put(body, "created_at", Optional.of(job.createdAt()));
    put(body, "finished_at", job.finishedAt());
    if (job.error().isPresent()) {
      ObjectNode error = body.putObject("error");
      error.put("code", job.error().get().code());
      error.put("message", job.error().get().message());
    } else {
      body.putNull("error");
    }
    putLinks(ctx, body, job);
    body.set("metadata", metadata(job));
    return body;
  }

  ObjectNode cancelled(Job job, String outcome) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", job.id());
    body.put("status", job.state().wire());
    body.put("outcome", outcome);
    return body;
  }

  private void putLinks(Context ctx, ObjectNode body, Job job) {
    for (String action : new String[] {"status", "result", "cancel"}) {
      body.put(action + "_url", links.request(ctx, job.id(), action));
    }
  }

  /** Storage keys become signed URLs; a field holding a list of keys becomes a list of URLs. */
  private ObjectNode signedOutput(Context ctx, ObjectNode output) {
    ObjectNode signed = JsonMapper.shared().createObjectNode();
    for (Map.Entry<String, JsonNode> field : output.properties()) {
      JsonNode value = field.getValue();
      if (value.isArray()) {
        ArrayNode urls = signed.putArray(field.getKey());
        value.forEach(key -> urls.add(links.file(ctx, key.asString())));
      } else {
        signed.put(field.getKey(), links.file(ctx, value.asString()));
      }
    }
    return signed;
  }

  private static ObjectNode metadata(Job job) {
    ObjectNode metadata = JsonMapper.shared().createObjectNode();
    metadata.put("model_id", job.modelId());
    metadata.set("input", job.input());
    metadata.put("attempt", job.attempt());
    ObjectNode timings = metadata.putObject("timings");
    job.startedAt().ifPresent(s -> timings.put("queued_ms", Duration.between(job.createdAt(), s).toMillis()));
    if (job.startedAt().isPresent() && job.finishedAt().isPresent()) {
      timings.put("run_ms", Duration.between(job.startedAt().get(), job.finishedAt().get()).toMillis());
    }
    job.metadata().ifPresent(engine -> metadata.set("engine", engine));
    return metadata;
  }

  private static void timestamps(ObjectNode body, Job job) {
    put(body, "created_at", Optional.of(job.createdAt()));
    put(body, "started_at", job.startedAt());
    put(body, "finished_at", job.finishedAt());
  }

  private static void put(ObjectNode body, String field, Optional<Instant> time) {
    if (time.isPresent()) {
      body.put(field, time.get().toString());
    } else {
      body.putNull(field);
    }
  }
}
