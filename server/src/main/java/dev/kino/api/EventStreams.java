package dev.kino.api;

import dev.kino.jobs.EventHub;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobEvent;
import dev.kino.jobs.JobStore;
import dev.kino.models.FieldProblem;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/requests/{id}/events}: Server-Sent Events of every status change, progress figure
 * and log line of one request, from the start or after {@code Last-Event-ID}, ending with the final
 * status. Each stream is a virtual thread that sleeps on the {@link EventHub} between events, so
 * thousands of open streams cost little; it re-reads the store at every keep-alive as well, which
 * is what guarantees nothing is missed.
 */
final class EventStreams {
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  private static final int BATCH = 500;

  private final JobStore store;
  private final EventHub hub;
  private final OwnedRequests owned;

  EventStreams(JobStore store, EventHub hub) {
    this.store = store;
    this.hub = hub;
    this.owned = new OwnedRequests(store.requests());
  }

  void stream(Context ctx) throws InterruptedException {
    Job job = owned.find(ctx);
    long after = lastEventId(ctx);
    HttpServletResponse response = eventStream(ctx.res());
    try (EventHub.Watch watch = hub.watch(job.id())) {
      ServletOutputStream out = response.getOutputStream();
      write(out, "retry: 2000\n\n");
      out.flush();
      while (!hub.isClosed()) {
        List<JobEvent> events = store.log().events(job.id(), after, BATCH);
        for (JobEvent event : events) {
          write(out, frame(event));
          after = event.seq();
          if (event.isFinal()) {
            out.flush();
            return;
          }
        }
        out.flush();
        if (events.size() == BATCH) {
          continue;
        }
        if (events.isEmpty() && isFinished(job.id())) {
          return; // resumed after the final event: nothing more will come
        }
        if (!watch.await(KEEP_ALIVE)) {
          write(out, ": keep-alive\n\n");
          out.flush();
        }
      }
    } catch (IOException clientLeft) {
      // The client closed the stream; it can resume with Last-Event-ID.
    }
  }

  /** A Server-Sent Events answer, for every stream Kino serves (the dialects' too). */
  static HttpServletResponse sse(HttpServletResponse response) {
    response.setStatus(200);
    response.setContentType("text/event-stream");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-cache");
    // Tell nginx-style proxies not to buffer the stream.
    response.setHeader("X-Accel-Buffering", "no");
    return response;
  }

  private static HttpServletResponse eventStream(HttpServletResponse response) {
    sse(response);
    // A web page on another origin opens the stream with its token (no cookies): CORS must allow.
    response.setHeader("Access-Control-Allow-Origin", "*");
    return response;
  }

  private boolean isFinished(String jobId) {
    return store.requests().find(jobId).map(j -> j.state().isFinal()).orElse(true);
  }

  private static String frame(JobEvent event) {
    ObjectNode data = JsonMapper.shared().createObjectNode();
    data.put("request_id", event.jobId());
    data.put("timestamp", event.at().toString());
    data.setAll(event.data());
    return "id: "
        + event.seq()
        + "\nevent: "
        + event.kind().wire()
        + "\ndata: "
        + JsonMapper.shared().writeValueAsString(data)
        + "\n\n";
  }

  private static void write(ServletOutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code Last-Event-ID} (what EventSource sends on reconnect) or {@code ?last_event_id=}; 0 means
   * from the start.
   */
  private static long lastEventId(Context ctx) {
    String raw = ctx.header("Last-Event-ID");
    if (raw == null || raw.isBlank()) {
      raw = ctx.queryParam("last_event_id");
    }
    if (raw == null || raw.isBlank()) {
      return 0;
    }
    try {
      long id = Long.parseLong(raw.strip());
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new ApiException(
        400,
        400002,
        "invalid_parameter",
        "Last-Event-ID must be an event id from this stream, got \"" + raw + "\"",
        List.of(
            new FieldProblem(
                "Last-Event-ID",
                "format",
                "must be a whole number (the id of the last event received)")));
  }
}
