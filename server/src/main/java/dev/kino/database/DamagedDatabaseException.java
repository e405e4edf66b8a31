package dev.kino.database;

/**
 * The database cannot be trusted: SQLite's own check found damage, or an empty database stands
 * beside the files of an earlier run (opening it would migrate it as a fresh install and every job
 * and key would be silently gone). The operator must restore it; Kino refuses to start on it.
 */
public final class DamagedDatabaseException extends RuntimeException {
  public DamagedDatabaseException(String message) {
    super(message);
  }
}
