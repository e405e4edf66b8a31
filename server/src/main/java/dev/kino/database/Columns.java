package dev.kino.database;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Reading Kino's column conventions: times are epoch milliseconds (UTC), NULL where there is none
 * yet.
 */
public final class Columns {
  private Columns() {}

  public static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(millis));
  }
}
