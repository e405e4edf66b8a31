package dev.kino.webhooks;

import dev.kino.database.Columns;
import dev.kino.database.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/** The webhook tables: messages, their attempts, and how far the outbox has read the job events. */
public final class WebhookStore {
  private static final String COLUMNS =
      "id, job_id, owner, url, type, payload, state, attempts, next_attempt_at, created_at, finished_at";
  private final Database db;

  public WebhookStore(Database db) {
    this.db = db;
  }

  long cursor() {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT seq FROM outbox_cursor WHERE name = 'webhooks'")
                    .mapTo(Long.class)
                    .findOne()
                    .orElse(0L));
  }

  void moveCursor(long seq) {
    db.writes()
        .useHandle(
            h ->
                h.execute(
                    "INSERT INTO outbox_cursor (name, seq) VALUES ('webhooks', ?) ON CONFLICT (name) DO UPDATE SET seq = "
                        // nodes of a cluster move it together: never back
                        + db.dialect().larger("outbox_cursor.seq", "excluded.seq"),
                    seq));
  }

  /**
   * Adds a message for an event unless one exists for it already (the outbox may read an event
   * twice).
   */
  void create(
      String id,
      long eventSeq,
      String jobId,
      String owner,
      String url,
      String type,
      String payload,
      Instant now) {
    db.writes()
        .useHandle(
            h ->
                h.execute(
                    "INSERT INTO webhook_deliveries (id, event_seq, job_id, owner, url, type, payload, state, next_attempt_at, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (event_seq) DO NOTHING",
                    id,
                    eventSeq,
                    jobId,
                    owner,
                    url,
                    type,
                    payload,
                    now.toEpochMilli(),
                    now.toEpochMilli()));
  }

  /**
   * Takes up to {@code limit} messages that are due, pushing their next attempt {@code hold} ahead
   * first: if this node dies while sending, the message comes due again then, with the same id.
   */
  List<Delivery> takeDue(Instant now, Duration hold, int limit) {
    return db.writes()
        .withHandle(
            h ->
                h.createQuery(
                        "UPDATE webhook_deliveries SET next_attempt_at = :hold WHERE id IN (SELECT id FROM webhook_deliveries"
                            + " WHERE state = 'pending' AND next_attempt_at <= :now ORDER BY next_attempt_at LIMIT :limit)"
                            // checked again on the row itself: another node that took it first
                            // moved it ahead
                            + " AND state = 'pending' AND next_attempt_at <= :now RETURNING "
                            + COLUMNS)
                    .bind("hold", now.plus(hold).toEpochMilli())
                    .bind("now", now.toEpochMilli())
                    .bind("limit", limit)
                    .map(WebhookStore::toDelivery)
                    .list());
  }

  /** Gives taken messages back, due again at {@code next}, without counting an attempt. */
  void postpone(List<Delivery> deliveries, Instant next) {
    if (deliveries.isEmpty()) {
      return;
    }
    db.writes()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE webhook_deliveries SET next_attempt_at = :next WHERE id IN (<ids>) AND state = 'pending'")
                    .bind("next", next.toEpochMilli())
                    .bindList("ids", deliveries.stream().map(Delivery::id).toList())
                    .execute());
  }

  /**
   * Records an attempt and what follows it: delivered, failed for good, or pending until {@code
   * next}.
   */
  void recordAttempt(
      Delivery d, Delivery.Attempt attempt, String newState, Optional<Instant> next, Instant now) {
    db.writes()
        .useTransaction(
            h -> {
              h.execute(
                  "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
                  d.id(),
                  attempt.number(),
                  attempt.startedAt().toEpochMilli(),
                  attempt.statusCode().orElse(null),
                  attempt.error().orElse(null),
                  attempt.durationMillis());
              h.execute(
                  "UPDATE webhook_deliveries SET attempts = ?, state = ?, next_attempt_at = ?, finished_at = ? WHERE id = ?",
                  attempt.number(),
                  newState,
                  next.map(Instant::toEpochMilli).orElse(null),
                  newState.equals("pending") ? null : now.toEpochMilli(),
                  d.id());
            });
  }

  /** A job's messages with their attempts, oldest first. */
  public List<Delivery> forJob(String jobId) {
    return db.reads()
        .withHandle(
            h -> {
              List<Delivery> bare =
                  h.createQuery(
                          "SELECT "
                              + COLUMNS
                              + " FROM webhook_deliveries WHERE job_id = ? ORDER BY created_at, event_seq")
                      .bind(0, jobId)
                      .map(WebhookStore::toDelivery)
                      .list();
              return bare.stream()
                  .map(
                      d ->
                          withHistory(
                              d,
                              h.createQuery(
                                      "SELECT attempt, started_at, status_code, error, duration_ms FROM webhook_attempts"
                                          + " WHERE delivery_id = ? ORDER BY attempt")
                                  .bind(0, d.id())
                                  .map(WebhookStore::toAttempt)
                                  .list()))
                  .toList();
            });
  }

  private static Delivery withHistory(Delivery d, List<Delivery.Attempt> history) {
    return new Delivery(
        d.id(),
        d.jobId(),
        d.owner(),
        d.url(),
        d.type(),
        d.payload(),
        d.state(),
        d.attempts(),
        d.nextAttemptAt(),
        d.createdAt(),
        d.finishedAt(),
        history);
  }

  private static Delivery toDelivery(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Delivery(
        rs.getString("id"),
        rs.getString("job_id"),
        rs.getString("owner"),
        rs.getString("url"),
        rs.getString("type"),
        rs.getString("payload"),
        rs.getString("state"),
        rs.getInt("attempts"),
        Columns.optionalInstant(rs, "next_attempt_at"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Columns.optionalInstant(rs, "finished_at"),
        List.of());
  }

  private static Delivery.Attempt toAttempt(ResultSet rs, StatementContext ctx)
      throws SQLException {
    int status = rs.getInt("status_code");
    Optional<Integer> code = rs.wasNull() ? Optional.empty() : Optional.of(status);
    return new Delivery.Attempt(
        rs.getInt("attempt"),
        Instant.ofEpochMilli(rs.getLong("started_at")),
        code,
        Optional.ofNullable(rs.getString("error")),
        rs.getLong("duration_ms"));
  }
}
