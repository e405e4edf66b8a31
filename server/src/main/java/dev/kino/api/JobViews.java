package dev.kino.api;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobEvent;
import dev.kino.jobs.JobState;
import dev.kino.requests.RequestStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON bodies that describe a job: the seed shapes, plus additive fields (progress, logs,
 * timestamps, metadata, the events stream). {@code base} is the API base the links are built on.
 */
final class JobViews {
  private final Links links;
  private final Function<String, Optional<String>> unavailable;

  /** {@code unavailable}: by model id, why no engine place can run it now. */
  JobViews(Links links, Function<String, Optional<String>> unavailable) {
    this.links = links;
    this.unavailable = unavailable;
  }

  ObjectNode submitted(String base, Job job) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", job.id());
    putLinks(base, body, job);
    return body;
  }

  ObjectNode status(String base, RequestStatus status) {
    Job job = status.job();
    ObjectNode body = summary(base, job);
    status.queuePosition().ifPresent(p -> body.put("queue_position", p));
    if (job.state() == JobState.IN_QUEUE) {
      unavailable.apply(job.modelId()).ifPresent(why -> body.put("waiting_reason", why));
    }
    if (job.state() == JobState.IN_PROGRESS) {
      job.progress().ifPresent(p -> body.put("progress", p));
    }
    ArrayNode logs = body.putArray("logs");
    for (JobEvent line : status.recentLogs()) {
      ObjectNode entry = logs.addObject();
      entry.put("timestamp", line.at().toString());
      entry.put("message", line.data().path("message").asString());
    }
    return body;
  }

  /** What a listing shows of each job: the status without the queue position and logs. */
  ObjectNode summary(String base, Job job) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", job.id());
    body.put("model_id", job.modelId());
    body.put("status", job.state().wire());
    putLinks(base, body, job);
    put(body, "created_at", Optional.of(job.createdAt()));
    put(body, "started_at", job.startedAt());
    put(body, "finished_at", job.finishedAt());
    body.put("attempt", job.attempt());
    job.route().ifPresent(route -> body.put("route", route));
    job.outputsDeletedAt().ifPresent(t -> body.put("outputs_deleted_at", t.toString()));
    return body;
  }

  ObjectNode result(String base, RequestStatus status) {
    Job job = status.job();
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", job.id());
    body.put("status", job.state().wire());
    status.queuePosition().ifPresent(p -> body.put("queue_position", p));
    boolean deleted = job.outputsDeletedAt().isPresent();
    body.set("output", deleted ? null : job.output().map(o -> signedOutput(base, o)).orElse(null));
    put(body, "created_at", Optional.of(job.createdAt()));
    put(body, "finished_at", job.finishedAt());
    job.outputsDeletedAt().ifPresent(t -> body.put("outputs_deleted_at", t.toString()));
    if (job.error().isPresent()) {
      ObjectNode error = body.putObject("error");
      error.put("code", job.error().get().code());
      error.put("message", job.error().get().message());
      if (job.error().get().detail() != null) {
        error.set("detail", job.error().get().detail());
      }
    } else {
      body.putNull("error");
    }
    putLinks(base, body, job);
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

  private void putLinks(String base, ObjectNode body, Job job) {
    for (String action : new String[] {"status", "result", "cancel"}) {
      body.put(action + "_url", links.request(base, job.id(), action));
    }
    body.put("events_url", links.events(base, job.id(), job.owner()));
  }

  /** Storage keys become signed URLs; a field holding a list of keys becomes a list of URLs. */
  private ObjectNode signedOutput(String base, ObjectNode output) {
    ObjectNode signed = JsonMapper.shared().createObjectNode();
    for (Map.Entry<String, JsonNode> field : output.properties()) {
      JsonNode value = field.getValue();
      if (value.isArray()) {
        ArrayNode urls = signed.putArray(field.getKey());
        value.forEach(key -> urls.add(links.file(base, key.asString())));
      } else {
        signed.put(field.getKey(), links.file(base, value.asString()));
      }
    }
    return signed;
  }

  private static ObjectNode metadata(Job job) {
    ObjectNode metadata = JsonMapper.shared().createObjectNode();
    metadata.put("model_id", job.modelId());
    metadata.set("input", job.input());
    metadata.put("attempt", job.attempt());
    job.route().ifPresent(route -> metadata.put("route", route));
    ObjectNode timings = metadata.putObject("timings");
    job.startedAt()
        .ifPresent(s -> timings.put("queued_ms", Duration.between(job.createdAt(), s).toMillis()));
    if (job.startedAt().isPresent() && job.finishedAt().isPresent()) {
      timings.put(
          "run_ms", Duration.between(job.startedAt().get(), job.finishedAt().get()).toMillis());
    }
    job.metadata()
        .ifPresent(
            recorded -> {
              // The run's usage is recorded beside the engine's own metadata; it shows on its own.
              ObjectNode engine = recorded.deepCopy();
              if (engine.remove("usage") instanceof ObjectNode usage) {
                metadata.set("usage", usage);
              }
              metadata.set("engine", engine);
            });
    return metadata;
  }

  private static void put(ObjectNode body, String field, Optional<Instant> time) {
    if (time.isPresent()) {
      body.put(field, time.get().toString());
    } else {
      body.putNull(field);
    }
  }
}
