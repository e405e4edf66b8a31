package dev.kino.api;

import dev.kino.storage.DiskSpace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /healthz}: 200 while this node can serve, 503 once its database reports damage or
 * while its disk is full, so a load balancer routes away. The answer never waits: it is given on
 * the connection's own thread ({@link RequestDispatch}), so the database's check, which reads the
 * whole file, runs on a thread of its own at most every {@link #RECHECK_EVERY} and the answer gives
 * its latest verdict. A damage found stays found.
 */
final class Health {
  static final Duration RECHECK_EVERY = Duration.ofMinutes(1);

  /** A status and a JSON body. */
  record Answer(int status, byte[] body) {}

  private final Supplier<Optional<String>> databaseProblem;
  private final DiskSpace disk;
  private final Clock clock;
  private final AtomicBoolean checking = new AtomicBoolean();
  private volatile Instant checkedAt = Instant.MIN;
  private volatile Optional<String> problem = Optional.empty();

  Health(Supplier<Optional<String>> databaseProblem, DiskSpace disk, Clock clock) {
    this.databaseProblem = databaseProblem;
    this.disk = disk;
    this.clock = clock;
  }

  Answer answer() {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    Optional<String> damaged = databaseVerdict();
    Optional<String> full = disk.problem();
    body.put("status", damaged.isEmpty() && full.isEmpty() ? "ok" : "unavailable");
    if (damaged.isPresent()) {
      body.put("reason", "database_damaged");
      body.put("message", "the database is damaged: " + damaged.get());
    } else if (full.isPresent()) {
      body.put("reason", "storage_full");
      body.put("message", full.get());
    }
    return new Answer(
        damaged.isEmpty() && full.isEmpty() ? 200 : 503,
        JsonMapper.shared().writeValueAsBytes(body));
  }

  /** The latest verdict on the database; starts a new check when it is due and none runs. */
  private Optional<String> databaseVerdict() {
    if (problem.isEmpty()
        && !clock.instant().isBefore(checkedAt.plus(RECHECK_EVERY))
        && checking.compareAndSet(false, true)) {
      Thread.ofVirtual()
          .name("kino-database-check")
          .start(
              () -> {
                try {
                  problem = databaseProblem.get();
                  checkedAt = clock.instant();
                } finally {
                  checking.set(false);
                }
              });
    }
    return problem;
  }
}
