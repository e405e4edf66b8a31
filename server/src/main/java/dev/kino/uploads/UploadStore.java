package dev.kino.uploads;

import dev.kino.database.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/** The uploads table. */
final class UploadStore {
  private static final String COLUMNS =
      "id, owner, storage_key, filename, content_type, bytes, sha256, created_at, expires_at";
  private final Database db;

  UploadStore(Database db) {
    this.db = db;
  }

  void insert(Upload u) {
    db.writes()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO uploads (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, u.id())
                    .bind(1, u.owner())
                    .bind(2, u.storageKey())
                    .bind(3, u.filename())
                    .bind(4, u.contentType())
                    .bind(5, u.bytes())
                    .bind(6, u.sha256())
                    .bind(7, u.createdAt().toEpochMilli())
                    .bind(8, u.expiresAt().toEpochMilli())
                    .execute());
  }

  Optional<Upload> find(String id) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT " + COLUMNS + " FROM uploads WHERE id = ?")
                    .bind(0, id)
                    .map(UploadStore::toUpload)
                    .findOne());
  }

  List<Upload> byOwner(String owner, int limit, int offset) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT "
                            + COLUMNS
                            + " FROM uploads WHERE owner = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?")
                    .bind(0, owner)
                    .bind(1, limit)
                    .bind(2, offset)
                    .map(UploadStore::toUpload)
                    .list());
  }

  List<Upload> expired(Instant now, int limit) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT "
                            + COLUMNS
                            + " FROM uploads WHERE expires_at <= ? ORDER BY expires_at LIMIT ?")
                    .bind(0, now.toEpochMilli())
                    .bind(1, limit)
                    .map(UploadStore::toUpload)
                    .list());
  }

  boolean delete(String id) {
    return db.writes()
            .withHandle(
                h -> h.createUpdate("DELETE FROM uploads WHERE id = ?").bind(0, id).execute())
        == 1;
  }

  private static Upload toUpload(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Upload(
        rs.getString("id"),
        rs.getString("owner"),
        rs.getString("storage_key"),
        rs.getString("filename"),
        rs.getString("content_type"),
        rs.getLong("bytes"),
        rs.getString("sha256"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("expires_at")));
  }
}
