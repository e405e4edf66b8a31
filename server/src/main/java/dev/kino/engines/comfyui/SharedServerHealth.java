package dev.kino.engines.comfyui;

import dev.kino.database.Database;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ServerHealth} over the cluster's {@code comfyui_health} table: one row per server that any
 * node has seen fail, its {@code version} raised by each change. Each node reads the table on a
 * timer and tells its pool of the changes it has not seen, other nodes' only (its own are known).
 * When the database cannot be reached, a node goes on with what it sees itself.
 */
final class SharedServerHealth implements ServerHealth {
  private static final Logger LOG = LoggerFactory.getLogger(SharedServerHealth.class);

  private record Mark(String server, boolean healthy, long version, String reason, String node) {}

  private final Database db;
  private final String node;
  private final Clock clock;
  private final Duration every;
  private final Map<String, Long> versions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService reads =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("kino-comfyui-shared-health").daemon().factory());
  private volatile boolean warned;

  SharedServerHealth(Database db, String node, Clock clock, Duration every) {
    this.db = db;
    this.node = node;
    this.clock = clock;
    this.every = every;
  }

  @Override
  public long seen(String server) {
    return versions.getOrDefault(server, 0L);
  }

  @Override
  public void down(String server, String reason) {
    try {
      db.writes()
          .useHandle(
              h ->
                  h.createUpdate(
                          "INSERT INTO comfyui_health"
                              + " (server, healthy, version, reason, node, changed_at)"
                              + " VALUES (:server, FALSE, 1, :reason, :node, :now)"
                              + " ON CONFLICT (server) DO UPDATE SET healthy = FALSE,"
                              + " version = comfyui_health.version + 1, reason = :reason,"
                              + " node = :node, changed_at = :now"
                              + " WHERE comfyui_health.healthy")
                      .bind("server", server)
                      .bind("reason", reason)
                      .bind("node", node)
                      .bind("now", clock.millis())
                      .execute());
    } catch (RuntimeException e) {
      unreachable(e);
    }
  }

  @Override
  public boolean up(String server, long seen) {
    try {
      return db.writes()
          .inTransaction(
              h -> {
                h.createUpdate(
                        "UPDATE comfyui_health SET healthy = TRUE, version = version + 1,"
                            + " reason = 'health check passed', node = :node, changed_at = :now"
                            + " WHERE server = :server AND version = :seen AND NOT healthy")
                    .bind("server", server)
                    .bind("seen", seen)
                    .bind("node", node)
                    .bind("now", clock.millis())
                    .execute();
                return h.createQuery("SELECT healthy FROM comfyui_health WHERE server = :server")
                    .bind("server", server)
                    .mapTo(Boolean.class)
                    .findOne()
                    .orElse(true);
              });
    } catch (RuntimeException e) {
      unreachable(e);
      return true; // what this node saw is all it has
    }
  }

  @Override
  public void watch(Listener listener) {
    reads.scheduleWithFixedDelay(() -> read(listener), 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void read(Listener listener) {
    List<Mark> marks;
    try {
      marks =
          db.reads()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT server, healthy, version, reason, node FROM comfyui_health")
                          .map(
                              (rs, ctx) ->
                                  new Mark(
                                      rs.getString("server"),
                                      rs.getBoolean("healthy"),
                                      rs.getLong("version"),
                                      rs.getString("reason"),
                                      rs.getString("node")))
                          .list());
    } catch (RuntimeException e) {
      unreachable(e);
      return;
    }
    if (warned) {
      LOG.info("reading other nodes' ComfyUI server health again");
      warned = false;
    }
    for (Mark mark : marks) {
      Long before = versions.put(mark.server(), mark.version());
      if ((before == null || before < mark.version()) && !mark.node().equals(node)) {
        listener.changed(mark.server(), mark.healthy(), mark.reason(), mark.node());
      }
    }
  }

  private void unreachable(RuntimeException e) {
    if (!warned) {
      LOG.warn(
          "cannot share ComfyUI server health with the other nodes ({}); going on with what this"
              + " node sees",
          e.getMessage());
      warned = true;
    }
  }

  @Override
  public void close() {
    reads.shutdownNow();
  }
}
