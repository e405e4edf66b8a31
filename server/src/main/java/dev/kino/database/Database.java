package dev.kino.database;

import org.jdbi.v3.core.Jdbi;

/**
 * Where Kino keeps its records: the embedded SQLite file (one node) or a PostgreSQL server (a
 * cluster of nodes). The stores' SQL is the same on both except where {@link #dialect()} says
 * otherwise.
 */
public interface Database extends AutoCloseable {

  /** For statements that change data. */
  Jdbi writes();

  /** For queries. */
  Jdbi reads();

  Dialect dialect();

  /**
   * Damage the database itself reports (SQLite's quick check), if any; PostgreSQL guards its own
   * files. Costs a read of the whole database: for a health check that runs now and then.
   */
  default java.util.Optional<String> problem() {
    return java.util.Optional.empty();
  }

  @Override
  void close();

  /** The few places where SQLite and PostgreSQL need different SQL. */
  enum Dialect {
    SQLITE,
    POSTGRESQL;

    /**
     * The larger of two values in one row (SQLite's scalar {@code max}, PostgreSQL's {@code
     * greatest}).
     */
    public String larger(String a, String b) {
      return (this == SQLITE ? "max(" : "greatest(") + a + ", " + b + ")";
    }
  }
}
