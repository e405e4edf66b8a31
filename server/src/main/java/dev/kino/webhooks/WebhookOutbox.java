package dev.kino.webhooks;

import dev.kino.jobs.Callback;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobEvent;
import dev.kino.jobs.JobState;
import dev.kino.jobs.JobStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns job events into webhook messages: it reads the job event log after its durable cursor and,
 * for each status change a job's callback asked for, adds a message. Reading the log (rather than
 * being called by the code that changes jobs) means a message exists for every change that
 * committed, even if the node died right after, and the job store knows nothing about webhooks. A
 * message per event at most: re-reading is harmless.
 *
 * <p>Event numbers are drawn when a transaction writes, not when it commits, so on a database with
 * concurrent writers (PostgreSQL) an event can become visible after one with a higher number; a
 * rolled-back transaction leaves a number unused. The durable cursor therefore only moves past a
 * missing number once it has appeared or stayed missing for {@link #GAP_SETTLE} (far longer than
 * Kino's transactions, which the database ends after 5 s idle); meanwhile each drain asks for the
 * missing numbers only, and reads on from where it got to.
 */
final class WebhookOutbox {
  private static final int BATCH = 200;
  static final Duration GAP_SETTLE = Duration.ofSeconds(15);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JobStore jobs;
  private final WebhookStore store;
  private final WebhookBodies bodies;
  private final Clock clock;

  /** {@code bodies}: what each message says, in its job's callback's format. */
  WebhookOutbox(JobStore jobs, WebhookStore store, WebhookBodies bodies, Clock clock) {
    this.jobs = jobs;
    this.store = store;
    this.bodies = bodies;
    this.clock = clock;
  }

  /**
   * How far this node has read (may run ahead of the durable cursor), and since when each missing
   * number is missing.
   */
  private long read = -1;

  private final Map<Long, Long> missingSince = new HashMap<>();

  /**
   * Reads everything new in the event log, and numbers that were missing; returns how many messages
   * it added.
   */
  synchronized int drain() {
    int added = 0;
    long durable = store.cursor();
    if (read < durable) {
      read = durable; // first drain, or another node went further
      missingSince.keySet().removeIf(seq -> seq <= durable);
    }
    long now = System.nanoTime();
    if (!missingSince.isEmpty()) {
      for (JobEvent late : jobs.log().eventsNumbered(List.copyOf(missingSince.keySet()))) {
        missingSince.remove(late.seq());
        added += handle(late);
      }
    }
    while (true) {
      List<JobEvent> events = jobs.log().eventsAfter(read, BATCH);
      if (events.isEmpty()) {
        break;
      }
      for (JobEvent event : events) {
        for (long gap = read + 1; gap < event.seq(); gap++) {
          missingSince.put(gap, now);
        }
        added += handle(event);
        read = event.seq();
      }
    }
    missingSince
        .values()
        .removeIf(since -> now - since > GAP_SETTLE.toNanos()); // rolled back: never coming
    long settled = missingSince.keySet().stream().mapToLong(seq -> seq - 1).min().orElse(read);
    if (settled > durable) {
      store.moveCursor(settled);
    }
    return added;
  }

  private int handle(JobEvent event) {
    return event.kind() == JobEvent.Kind.STATUS && enqueue(event) ? 1 : 0;
  }

  private boolean enqueue(JobEvent event) {
    JobState state = JobState.fromWire(event.data().path("status").asString());
    Optional<Job> job = jobs.requests().find(event.jobId());
    if (job.isEmpty() || job.get().callback().isEmpty()) {
      return false;
    }
    Callback callback = job.get().callback().get();
    Optional<String> type = type(state, callback);
    if (type.isEmpty()) {
      return false;
    }
    Instant now = clock.instant();
    Optional<ObjectNode> body = bodies.body(job.get(), state, type.get(), event.at());
    if (body.isEmpty()) {
      return false;
    }
    store.create(
        "msg_" + HexFormat.of().formatHex(randomBytes()),
        event.seq(),
        job.get().id(),
        job.get().owner(),
        callback.url(),
        type.get(),
        JsonMapper.shared().writeValueAsString(body.get()),
        now);
    return true;
  }

  private static Optional<String> type(JobState state, Callback callback) {
    return switch (state) {
      case COMPLETED, FAILED, CANCELLED -> Optional.of("request." + state.wire());
      case IN_PROGRESS -> callback.onStart() ? Optional.of("request.started") : Optional.empty();
      case IN_QUEUE -> Optional.empty();
    };
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    return b;
  }
}
