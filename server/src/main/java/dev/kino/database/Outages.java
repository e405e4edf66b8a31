package dev.kino.database;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a database that cannot be reached (restarting, a network cut) from a statement that failed
 * on its own.
 */
public final class Outages {
  private Outages() {}

  /**
   * True when {@code e} means the database could not be reached or dropped the connection: no
   * connection from the pool in time, a refused or reset connection, the server shutting down
   * (SQLSTATE classes 08 and 57P).
   */
  public static boolean isOutage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || t instanceof SQLNonTransientConnectionException
          || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return true;
      }
      if (t.getClass().getName().equals("org.jdbi.v3.core.ConnectionException")) {
        return true;
      }
    }
    return false;
  }
}
