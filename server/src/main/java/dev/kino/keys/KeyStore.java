package dev.kino.keys;

import dev.kino.database.Columns;
import dev.kino.database.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/** API keys in the database. Only hashes are stored; see {@link KeySecrets}. */
public final class KeyStore {
  private static final String COLUMNS = "id, name, prefix, admin, created_at, revoked_at";
  private final Database db;

  public KeyStore(Database db) {
    this.db = db;
  }

  public CreatedKey create(String name, boolean admin, Instant now) {
    String secret = KeySecrets.newSecret();
    ApiKey key =
        new ApiKey(
            KeySecrets.newId(),
            name,
            secret.substring(0, KeySecrets.PREFIX.length() + 4),
            admin,
            now,
            Optional.empty());
    db.writes()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO api_keys (id, name, secret_hash, prefix, admin, created_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?)")
                    .bind(0, key.id())
                    .bind(1, name)
                    .bind(2, KeySecrets.hash(secret))
                    .bind(3, key.prefix())
                    .bind(4, admin ? 1 : 0)
                    .bind(5, now.toEpochMilli())
                    .execute());
    return new CreatedKey(key, secret);
  }

  /** The active key with this secret, if any. */
  public Optional<ApiKey> authenticate(String secret) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT "
                            + COLUMNS
                            + " FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL")
                    .bind(0, KeySecrets.hash(secret))
                    .map(KeyStore::toKey)
                    .findOne());
  }

  /**
   * Whether the key with this id exists and is not revoked (for credentials derived from a key).
   */
  public boolean isActive(String id) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT EXISTS (SELECT 1 FROM api_keys WHERE id = ? AND revoked_at IS NULL)")
                    .bind(0, id)
                    .mapTo(Boolean.class)
                    .one());
  }

  public List<ApiKey> list() {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id")
                    .map(KeyStore::toKey)
                    .list());
  }

  /** Revokes the key; false when no active key has this id. */
  public boolean revoke(String id, Instant now) {
    return db.writes()
            .withHandle(
                h ->
                    h.createUpdate(
                            "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                        .bind(0, now.toEpochMilli())
                        .bind(1, id)
                        .execute())
        == 1;
  }

  public boolean isEmpty() {
    return db.reads()
            .withHandle(h -> h.createQuery("SELECT count(*) FROM api_keys").mapTo(Long.class).one())
        == 0;
  }

  private static ApiKey toKey(ResultSet rs, StatementContext ctx) throws SQLException {
    Optional<Instant> revokedAt = Columns.optionalInstant(rs, "revoked_at");
    return new ApiKey(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("prefix"),
        rs.getInt("admin") == 1,
        Instant.ofEpochMilli(rs.getLong("created_at")),
        revokedAt);
  }
}
