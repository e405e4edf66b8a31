package dev.kino.idempotency;

import dev.kino.database.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * {@code Idempotency-Key} on submit, per API key: the first request with a key reserves it for the
 * request id it is about to create; a repeat with the same body gets that request back, one with a
 * different body is refused, and one that arrives while the first is still being accepted is told
 * to retry. Keys are kept {@link #KEPT_FOR}.
 *
 * <p>The reservation names the request id before the job exists, so no transaction has to span both
 * tables: a key whose job exists is answered from the job; a key whose job never appeared (the node
 * died between the two writes) is taken over by the next request after {@link #ABANDONED_AFTER}.
 */
public final class IdempotencyKeys {
  public static final Duration KEPT_FOR = Duration.ofHours(24);
  static final Duration ABANDONED_AFTER = Duration.ofSeconds(60);

  private final Database db;
  private final Clock clock;

  public IdempotencyKeys(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** What to do with a request that carries a key. */
  public sealed interface Claim {
    /** Go ahead and create the job under this id. */
    record Fresh(String requestId) implements Claim {}

    /** Answer with the job this key already made. */
    record Replay(String requestId) implements Claim {}

    /** The key was used with another body. */
    record Mismatch(String requestId) implements Claim {}

    /** The first request with this key is still being accepted. */
    record InProgress() implements Claim {}
  }

  /**
   * Reserves {@code key} for {@code proposedId}, or says how the earlier use of the key decides
   * this request.
   *
   * @param fingerprint a digest of what was asked (model and body), compared on repeats
   */
  public Claim claim(String owner, String key, String fingerprint, String proposedId) {
    Instant now = clock.instant();
    return db.writes()
        .inTransaction(
            h -> {
              Optional<Row> existing = find(h, owner, key);
              if (existing.isPresent()
                  && existing.get().createdAt().isBefore(now.minus(KEPT_FOR))) {
                h.execute("DELETE FROM idempotency_keys WHERE owner = ? AND key = ?", owner, key);
                existing = Optional.empty();
              }
              if (existing.isEmpty()) {
                h.execute(
                    "INSERT INTO idempotency_keys (owner, key, fingerprint, request_id, created_at) VALUES (?, ?, ?, ?, ?)",
                    owner,
                    key,
                    fingerprint,
                    proposedId,
                    now.toEpochMilli());
                return new Claim.Fresh(proposedId);
              }
              Row row = existing.get();
              if (!row.fingerprint().equals(fingerprint)) {
                return new Claim.Mismatch(row.requestId());
              }
              boolean jobExists =
                  h.createQuery("SELECT count(*) FROM jobs WHERE id = ?")
                          .bind(0, row.requestId())
                          .mapTo(Integer.class)
                          .one()
                      > 0;
              if (jobExists) {
                return new Claim.Replay(row.requestId());
              }
              if (row.createdAt().isBefore(now.minus(ABANDONED_AFTER))) {
                h.execute(
                    "UPDATE idempotency_keys SET request_id = ?, created_at = ? WHERE owner = ? AND key = ?",
                    proposedId,
                    now.toEpochMilli(),
                    owner,
                    key);
                return new Claim.Fresh(proposedId);
              }
              return new Claim.InProgress();
            });
  }

  /** Gives the key back when the request it was reserved for was not accepted after all. */
  public void release(String owner, String key, String requestId) {
    db.writes()
        .useHandle(
            h ->
                h.execute(
                    "DELETE FROM idempotency_keys WHERE owner = ? AND key = ? AND request_id = ?",
                    owner,
                    key,
                    requestId));
  }

  /** Forgets keys older than {@link #KEPT_FOR}; returns how many. */
  public int sweep() {
    long cutoff = clock.instant().minus(KEPT_FOR).toEpochMilli();
    return db.writes()
        .withHandle(h -> h.execute("DELETE FROM idempotency_keys WHERE created_at < ?", cutoff));
  }

  private record Row(String fingerprint, String requestId, Instant createdAt) {}

  private static Optional<Row> find(Handle h, String owner, String key) {
    return h.createQuery(
            "SELECT fingerprint, request_id, created_at FROM idempotency_keys WHERE owner = ? AND key = ?")
        .bind(0, owner)
        .bind(1, key)
        .map(
            (rs, ctx) ->
                new Row(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))))
        .findOne();
  }
}
