package dev.kino.engines.comfyui;

import dev.kino.database.Database;
import java.time.Clock;
import java.time.Duration;

/**
 * What the nodes of a cluster tell each other about their ComfyUI servers: a node whose job sees a
 * server fail marks it down, and every node takes it out of its pool; any node whose health check
 * passes afterwards marks it up, and every node takes it back. A node alone keeps what it sees to
 * itself ({@link #alone()}).
 */
public interface ServerHealth extends AutoCloseable {

  /** A change another node made: the server is now up or down, and why. */
  interface Listener {
    void changed(String server, boolean healthy, String reason, String node);
  }

  /**
   * The version of the server's mark this node has seen; a check that passes afterwards hands it to
   * {@link #up} so that it cannot undo a failure recorded meanwhile.
   */
  long seen(String server);

  /** This node saw the server fail: it is down for every node. */
  void down(String server, String reason);

  /**
   * This node's check passed, after it had seen version {@code seen}: the server is up for every
   * node, unless another node marked it down since. Returns whether it is up now.
   */
  boolean up(String server, long seen);

  /** Starts telling {@code listener} of other nodes' changes. */
  void watch(Listener listener);

  @Override
  void close();

  /** For a node alone on its data: nothing is shared. */
  static ServerHealth alone() {
    return new ServerHealth() {
      @Override
      public long seen(String server) {
        return 0;
      }

      @Override
      public void down(String server, String reason) {}

      @Override
      public boolean up(String server, long seen) {
        return true;
      }

      @Override
      public void watch(Listener listener) {}

      @Override
      public void close() {}
    };
  }

  /**
   * Marks kept in the cluster's PostgreSQL ({@code comfyui_health}), read by each node every {@code
   * every}.
   */
  static ServerHealth shared(Database db, String node, Clock clock, Duration every) {
    return new SharedServerHealth(db, node, clock, every);
  }
}
