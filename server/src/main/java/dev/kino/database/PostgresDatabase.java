package dev.kino.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * A PostgreSQL server shared by the nodes of a cluster: one connection pool per node for reads and
 * writes (PostgreSQL takes concurrent writers), migrations from {@code db/postgresql} applied on
 * open (Flyway takes a lock, so nodes starting together migrate once).
 */
public final class PostgresDatabase implements Database {
  static final int IDLE_IN_TRANSACTION_MILLIS = 5_000;
  private final HikariDataSource pool;
  private final Jdbi jdbi;

  private PostgresDatabase(HikariDataSource pool) {
    this.pool = pool;
    this.jdbi = Jdbi.create(pool);
  }

  /**
   * Opens {@code url} ({@code postgresql://user:password@host:port/database?options}, as libpq
   * writes it) and brings its schema up to date.
   */
  public static PostgresDatabase open(String url, int poolSize) {
    HikariConfig config = new HikariConfig();
    Target target = Target.parse(url);
    config.setJdbcUrl(target.jdbcUrl());
    config.setUsername(target.user());
    config.setPassword(target.password());
    config.setPoolName("kino-postgresql");
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(1);
    // A database restarting: calls wait for a connection (and fail after this long) instead of
    // failing at once.
    config.setConnectionTimeout(10_000);
    // A node frozen in the middle of a transaction (SIGSTOP, a VM paused, a long GC) must not hold
    // its row locks
    // and the event-log lock over the whole cluster: the server ends such a session, and its
    // transaction rolls
    // back, after this long. Kino's own transactions last milliseconds.
    config.setConnectionInitSql(
        "SET idle_in_transaction_session_timeout = '" + IDLE_IN_TRANSACTION_MILLIS + "ms'");
    config.setInitializationFailTimeout(10_000);
    HikariDataSource pool = new HikariDataSource(config);
    try {
      Flyway.configure().dataSource(pool).locations("classpath:db/postgresql").load().migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new PostgresDatabase(pool);
  }

  /** One connection outside the pool (for LISTEN, which holds its connection). */
  public static Connection connect(String url) throws SQLException {
    Target target = Target.parse(url);
    return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
  }

  /** A {@code postgresql://} URL taken apart; the password never reaches a log line. */
  record Target(String jdbcUrl, String user, String password) {
    static Target parse(String url) {
      URI uri;
      try {
        uri = URI.create(url.replaceFirst("^postgres://", "postgresql://"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "the database URL is not a URL (expected postgresql://user:password@host:port/database)");
      }
      if (!"postgresql".equals(uri.getScheme())
          || uri.getHost() == null
          || uri.getPath() == null
          || uri.getPath().length() < 2) {
        throw new IllegalArgumentException(
            "the database URL must look like postgresql://user:password@host:port/database");
      }
      String user = "";
      String password = "";
      if (uri.getRawUserInfo() != null) {
        String[] parts = uri.getRawUserInfo().split(":", 2);
        user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
      }
      String jdbc =
          "jdbc:postgresql://"
              + uri.getHost()
              + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
              + uri.getRawPath()
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      return new Target(jdbc, user, password);
    }

    @Override
    public String toString() {
      return "Target[" + jdbcUrl + " as " + user + "]";
    }
  }

  @Override
  public Jdbi writes() {
    return jdbi;
  }

  @Override
  public Jdbi reads() {
    return jdbi;
  }

  @Override
  public Dialect dialect() {
    return Dialect.POSTGRESQL;
  }

  @Override
  public void close() {
    pool.close();
  }
}
