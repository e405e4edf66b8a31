package dev.kino.cluster;

import dev.kino.database.Database;
import dev.kino.database.PostgresDatabase;
import dev.kino.jobs.EventHub;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings other nodes' job changes to this node: one connection of its own LISTENs on
 * {@link Database.Dialect#CHANGES}; each notification wakes this node's readers of that job (event streams,
 * status waits, the webhook outbox) and, for a job put in the queue, its idle workers. Only a hint, as the
 * in-process wake-ups are: readers and workers also poll, so a lost notification or a database outage delays,
 * never loses. After a reconnect everyone is woken once, for what was missed meanwhile.
 */
public final class ClusterChanges implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterChanges.class);
  private static final Duration RECONNECT = Duration.ofSeconds(1);
  private static final int WAIT_MILLIS = 500;

  private final String url;
  private final EventHub hub;
  private final Runnable jobQueued;
  private final Thread listener;
  private volatile boolean closed;

  private ClusterChanges(String url, EventHub hub, Runnable jobQueued) {
    this.url = url;
    this.hub = hub;
    this.jobQueued = jobQueued;
    this.listener = Thread.ofPlatform().name("kino-cluster-changes").daemon().unstarted(this::listen);
  }

  /** Starts listening on the cluster's database. */
  public static ClusterChanges start(String databaseUrl, EventHub hub, Runnable jobQueued) {
    ClusterChanges changes = new ClusterChanges(databaseUrl, hub, jobQueued);
    changes.listener.start();
    return changes;
  }

  private void listen() {
    boolean warned = false;
    while (!closed) {
      try (Connection connection = PostgresDatabase.connect(url)) {
        try (Statement s = connection.createStatement()) {
          s.execute("LISTEN " + Database.Dialect.CHANGES);
        }
        if (warned) {
          LOG.info("listening for other nodes' job changes again");
          warned = false;
        }
        hub.publishedEverywhere();
        jobQueued.run();
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] notifications = pg.getNotifications(WAIT_MILLIS);
          if (notifications != null) {
            for (PGNotification n : notifications) {
              deliver(n.getParameter());
            }
          }
        }
      } catch (SQLException e) {
        if (!closed && !warned) {
          LOG.warn("cannot listen for other nodes' job changes ({}); polling until the database answers", e.getMessage());
          warned = true;
        }
        sleep();
      }
    }
  }

  private void deliver(String payload) {
    if (payload.length() < 3 || payload.charAt(1) != ':') {
      return;
    }
    hub.published(payload.substring(2));
    if (payload.charAt(0) == 'q') {
      jobQueued.run();
    }
  }

  private void sleep() {
    try {
      Thread.sleep(RECONNECT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    listener.interrupt();
    try {
      listener.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
