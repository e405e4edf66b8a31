package dev.kino.migration;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.jdbi.v3.core.Handle;

/**
 * Copies one table's rows from the embedded SQLite into PostgreSQL, a batch per transaction, each
 * row inserted only if it is not there yet: an interrupted copy run again skips what it finished
 * and never doubles a row. Values keep their identity (a job's {@code seq}, an event's number), so
 * event cursors, webhook deliveries and queue order mean the same after the move.
 */
final class TableCopy {
  private static final int BATCH = 500;

  private TableCopy() {}

  /** The table's columns, as the source has them (both sides are migrated to the same version). */
  static List<String> columns(Handle handle, Table table) {
    try (PreparedStatement select =
            handle
                .getConnection()
                .prepareStatement("SELECT * FROM " + table.name() + " WHERE 1 = 0");
        ResultSet rows = select.executeQuery()) {
      ResultSetMetaData meta = rows.getMetaData();
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        columns.add(meta.getColumnName(i).toLowerCase(java.util.Locale.ROOT));
      }
      return columns;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the columns of " + table.name(), e);
    }
  }

  /** Copies every row the target lacks; returns how many it inserted. */
  static long copy(
      Handle source, Handle target, Table table, List<String> columns, LongConsumer progress)
      throws SQLException {
    String insert =
        "INSERT INTO "
            + table.name()
            + " ("
            + String.join(", ", columns)
            + ") VALUES ("
            + String.join(", ", columns.stream().map(c -> "?").toList())
            + ") ON CONFLICT DO NOTHING";
    Connection to = target.getConnection();
    boolean autoCommit = to.getAutoCommit();
    to.setAutoCommit(false);
    long inserted = 0;
    long read = 0;
    try (PreparedStatement select =
            source
                .getConnection()
                .prepareStatement(select(table, columns) + " ORDER BY " + table.orderBy());
        ResultSet rows = select.executeQuery();
        PreparedStatement into = to.prepareStatement(insert)) {
      int pending = 0;
      while (rows.next()) {
        for (int i = 1; i <= columns.size(); i++) {
          Object value = rows.getObject(i);
          if (value == null) {
            into.setNull(i, Types.NULL);
          } else {
            into.setObject(i, value);
          }
        }
        into.addBatch();
        read++;
        if (++pending == BATCH) {
          inserted += flush(into, to);
          pending = 0;
          progress.accept(read);
        }
      }
      if (pending > 0) {
        inserted += flush(into, to);
      }
      progress.accept(read);
    } catch (SQLException e) {
      to.rollback();
      throw e;
    } finally {
      to.setAutoCommit(autoCommit);
    }
    if (table.serial()) {
      continueSequence(target, table);
    }
    return inserted;
  }

  private static long flush(PreparedStatement into, Connection to) throws SQLException {
    long inserted = 0;
    for (int count : into.executeBatch()) {
      inserted += Math.max(count, 0);
    }
    to.commit();
    return inserted;
  }

  /** PostgreSQL's sequence goes on after the highest copied {@code seq}, as SQLite's would. */
  private static void continueSequence(Handle target, Table table) {
    target.execute(
        "SELECT setval(pg_get_serial_sequence('"
            + table.name()
            + "', 'seq'), COALESCE((SELECT max(seq) FROM "
            + table.name()
            + "), 0) + 1, false)");
  }

  static long count(Handle handle, Table table) {
    return handle.createQuery("SELECT count(*) FROM " + table.name()).mapTo(Long.class).one();
  }

  /**
   * A digest of the table's rows in any order (the sum of each row's SHA-256, so PostgreSQL's
   * collation need not sort text as SQLite does), each value written the same way whichever
   * database read it: a whole number as digits, a fraction as Java prints a double, text as itself,
   * NULL apart from any text. Equal on both sides when every row arrived intact.
   */
  static String digest(Handle handle, Table table, List<String> columns) throws SQLException {
    BigInteger sum = BigInteger.ZERO;
    try (PreparedStatement select =
            handle.getConnection().prepareStatement(select(table, columns));
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        MessageDigest sha = sha256();
        for (int i = 1; i <= columns.size(); i++) {
          sha.update(canonical(rows.getObject(i)).getBytes(StandardCharsets.UTF_8));
          sha.update((byte) 0x1f);
        }
        sum = sum.add(new BigInteger(1, sha.digest()));
      }
    }
    return sum.mod(BigInteger.TWO.pow(256)).toString(16);
  }

  private static String canonical(Object value) {
    return switch (value) {
      case null -> "\u0000NULL";
      case Double d -> Double.toString(d);
      case Float f -> Double.toString(f.doubleValue());
      case Number n -> Long.toString(n.longValue());
      default -> value.toString();
    };
  }

  private static String select(Table table, List<String> columns) {
    return "SELECT " + String.join(", ", columns) + " FROM " + table.name();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
