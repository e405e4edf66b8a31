package dev.kino.jobs;

import dev.kino.database.Database;
import org.jdbi.v3.core.Handle;

/**
 * The owners that have queued jobs ({@code job_owners}): the claim's list of whom to serve, and the
 * row whose lock lines up one owner's submits (and its claims, when it has {@code max_running}), so
 * that its limits are counted exactly on PostgreSQL while several nodes act at once. SQLite has one
 * writer, so there the transaction alone is enough.
 */
final class Owners {
  private Owners() {}

  /** Records the owner, once. */
  static void register(Handle h, String owner) {
    h.createUpdate("INSERT INTO job_owners (owner) VALUES (:owner) ON CONFLICT (owner) DO NOTHING")
        .bind("owner", owner)
        .execute();
  }

  /**
   * On PostgreSQL, holds the owner's lock until the transaction ends (waiting for it if need be).
   */
  static void lock(Handle h, Database.Dialect dialect, String owner) {
    if (dialect == Database.Dialect.POSTGRESQL) {
      h.createQuery("SELECT owner FROM job_owners WHERE owner = :owner FOR UPDATE")
          .bind("owner", owner)
          .mapTo(String.class)
          .one();
    }
  }

  /** The owner's jobs in this state. */
  static int count(Handle h, String owner, String status) {
    return h.createQuery("SELECT count(*) FROM jobs WHERE owner = :owner AND status = :status")
        .bind("owner", owner)
        .bind("status", status)
        .mapTo(Integer.class)
        .one();
  }
}
