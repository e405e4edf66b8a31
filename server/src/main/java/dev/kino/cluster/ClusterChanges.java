package dev.kino.cluster;

import dev.kino.database.PostgresDatabase;
import dev.kino.jobs.EventHub;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job changes between the nodes of a cluster, over PostgreSQL's LISTEN/NOTIFY. Outbound: after this
 * node commits a change, the job's id is sent on {@link #CHANNEL}, several ids per NOTIFY, from a
 * connection of its own and never inside the write's transaction (a NOTIFY takes a database-wide
 * lock until its transaction ends, which would line every commit up behind the one before).
 * Inbound: each id heard wakes this node's readers of that job (event streams, status waits, the
 * webhook outbox) and, for a job waiting in the queue, its idle workers. Only a hint, as the
 * in-process wake-ups are: readers and workers also poll, so a lost notification or an outage
 * delays, never loses. After a reconnect everyone is woken once, for what was missed meanwhile.
 */
public final class ClusterChanges implements AutoCloseable {
  /**
   * Payload: ids separated by spaces, each {@code q:<job id>} (queued) or {@code e:<job id>} (other
   * events).
   */
  static final String CHANNEL = "kino_job_changes";

  private static final Logger LOG = LoggerFactory.getLogger(ClusterChanges.class);
  private static final Duration RECONNECT = Duration.ofSeconds(1);
  private static final int WAIT_MILLIS = 250;

  /**
   * PostgreSQL's payload limit is 8000 bytes; ids are 38 characters with their prefix and
   * separator.
   */
  private static final int IDS_PER_NOTIFY = 150;

  private final String url;
  private final EventHub hub;
  private final Runnable jobQueued;
  private final Runnable jobsQueued;
  private final Set<String> pending = new LinkedHashSet<>();
  private final Thread listener;
  private final Thread announcer;
  private volatile boolean closed;

  private ClusterChanges(String url, EventHub hub, Runnable jobQueued, Runnable jobsQueued) {
    this.url = url;
    this.hub = hub;
    this.jobQueued = jobQueued;
    this.jobsQueued = jobsQueued;
    this.listener =
        Thread.ofPlatform().name("kino-cluster-listen").daemon().unstarted(this::listen);
    this.announcer =
        Thread.ofPlatform().name("kino-cluster-announce").daemon().unstarted(this::announce);
  }

  /**
   * Starts listening on the cluster's database, and telling it of this node's commits; {@code
   * jobQueued} is run once per job another node queued, {@code jobsQueued} when any number may have
   * been (after a reconnect).
   */
  public static ClusterChanges start(
      String databaseUrl, EventHub hub, Runnable jobQueued, Runnable jobsQueued) {
    ClusterChanges changes = new ClusterChanges(databaseUrl, hub, jobQueued, jobsQueued);
    hub.onCommitted(changes::committed);
    changes.listener.start();
    changes.announcer.start();
    return changes;
  }

  private void committed(String jobId, boolean queued) {
    synchronized (pending) {
      pending.add((queued ? "q:" : "e:") + jobId);
      pending.notifyAll();
    }
  }

  /** Sends what this node committed, in batches, as soon as there is something to send. */
  private void announce() {
    while (!closed) {
      try (Connection connection = PostgresDatabase.connect(url);
          PreparedStatement notify =
              connection.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
        while (!closed) {
          List<String> batch = next();
          for (int from = 0; from < batch.size(); from += IDS_PER_NOTIFY) {
            notify.setString(
                1,
                String.join(
                    " ", batch.subList(from, Math.min(batch.size(), from + IDS_PER_NOTIFY))));
            notify.execute();
          }
        }
      } catch (SQLException e) {
        sleep(); // the other nodes poll meanwhile; what was pending goes with the next batch
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private List<String> next() throws InterruptedException {
    synchronized (pending) {
      while (pending.isEmpty()) {
        pending.wait();
      }
      List<String> batch = new ArrayList<>(pending);
      pending.clear();
      return batch;
    }
  }

  private void listen() {
    boolean warned = false;
    while (!closed) {
      try (Connection connection = PostgresDatabase.connect(url)) {
        try (Statement s = connection.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        if (warned) {
          LOG.info("hearing other nodes' job changes again");
          warned = false;
        }
        hub.publishedEverywhere();
        jobsQueued.run();
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
          LOG.warn(
              "cannot hear other nodes' job changes ({}); polling until the database answers",
              e.getMessage());
          warned = true;
        }
        sleep();
      }
    }
  }

  private void deliver(String payload) {
    for (String change : payload.split(" ")) {
      if (change.length() > 2 && change.charAt(1) == ':') {
        hub.published(change.substring(2));
        if (change.charAt(0) == 'q') {
          jobQueued.run();
        }
      }
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
    announcer.interrupt();
    try {
      listener.join(Duration.ofSeconds(2));
      announcer.join(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
