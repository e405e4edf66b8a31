package dev.kino.api;

import dev.kino.storage.DiskSpace;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /healthz}: 200 while this node can serve, 503 once its database reports damage or
 * while its disk is full, so a load balancer routes away. The database's own check reads the whole
 * file, so its verdict is kept for {@link #RECHECK_EVERY}; a damage found stays found.
 */
final class Health {
  static final Duration RECHECK_EVERY = Duration.ofMinutes(1);

  private final Supplier<Optional<String>> databaseProblem;
  private final DiskSpace disk;
  private final Clock clock;
  private Instant checkedAt = Instant.MIN;
  private Optional<String> problem = Optional.empty();

  Health(Supplier<Optional<String>> databaseProblem, DiskSpace disk, Clock clock) {
    this.databaseProblem = databaseProblem;
    this.disk = disk;
    this.clock = clock;
  }

  void check(Context ctx) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    Optional<String> damaged = problem();
    Optional<String> full = disk.problem();
    body.put("status", damaged.isEmpty() && full.isEmpty() ? "ok" : "unavailable");
    if (damaged.isPresent()) {
      body.put("reason", "database_damaged");
      body.put("message", "the database is damaged: " + damaged.get());
    } else if (full.isPresent()) {
      body.put("reason", "storage_full");
      body.put("message", full.get());
    }
    Responses.json(ctx, damaged.isEmpty() && full.isEmpty() ? 200 : 503, body);
  }

  private synchronized Optional<String> problem() {
    Instant now = clock.instant();
    if (problem.isEmpty() && !now.isBefore(checkedAt.plus(RECHECK_EVERY))) {
      problem = databaseProblem.get();
      checkedAt = now;
    }
    return problem;
  }
}
