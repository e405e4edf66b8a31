package dev.kino.database;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Where Kino keeps its records: the embedded SQLite file (one node) or a PostgreSQL server (a cluster of nodes).
 * The stores' SQL is the same on both except where {@link #dialect()} says otherwise.
 */
public interface Database extends AutoCloseable {

  /** For statements that change data. */
  Jdbi writes();

  /** For queries. */
  Jdbi reads();

  Dialect dialect();

  @Override
  void close();

  /** The few places where SQLite and PostgreSQL need different SQL. */
  enum Dialect {
    SQLITE,
    POSTGRESQL;

    /** The larger of two values in one row (SQLite's scalar {@code max}, PostgreSQL's {@code greatest}). */
    public String larger(String a, String b) {
      return (this == SQLITE ? "max(" : "greatest(") + a + ", " + b + ")";
    }

    /**
     * Makes the events a transaction is about to append commit in the order of their sequence numbers. On SQLite
     * the one writer connection already does; on PostgreSQL concurrent transactions draw sequence numbers in one
     * order and commit in another, so a reader following the log by {@code seq} could step past an event that
     * commits later with a smaller number. A transaction-level advisory lock, taken after the transaction's row
     * updates and held to its commit, serialises just the appends.
     */
    public void orderEvents(Handle h) {
      if (this == POSTGRESQL) {
        h.createQuery("SELECT pg_advisory_xact_lock(" + EVENT_LOG_LOCK + ")::text").mapTo(String.class).one();
      }
    }

    /**
     * Tells the other nodes of a cluster, when this transaction commits, that a job changed ({@code payload}:
     * see {@link #CHANGES}); nothing on SQLite, where there are no other nodes.
     */
    public void announce(Handle h, String payload) {
      if (this == POSTGRESQL) {
        h.createQuery("SELECT pg_notify('" + CHANGES + "', :payload)::text").bind("payload", payload).mapTo(String.class).one();
      }
    }

    /** The PostgreSQL channel of job changes: payload {@code q:<job id>} (queued) or {@code e:<job id>} (other events). */
    public static final String CHANGES = "kino_job_changes";

    private static final long EVENT_LOG_LOCK = 0x4b696e6fL; // "Kino"
  }
}
