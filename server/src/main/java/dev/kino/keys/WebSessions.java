package dev.kino.keys;

import dev.kino.database.Database;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * The web app's sign-ins: a session is a random cookie bound to one key, stored only as its hash,
 * with a CSRF token and an end. The key's own state (revoked, expired) is checked by whoever uses
 * the session, on every request.
 */
public final class WebSessions {
  /** How long a sign-in lasts. */
  public static final Duration LIFETIME = Duration.ofHours(12);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database db;

  public WebSessions(Database db) {
    this.db = db;
  }

  /** A new session: its cookie value (shown to the browser only) and what is stored of it. */
  public record Started(String cookie, Session session) {}

  /** A stored session: the key it speaks for, its CSRF token, when it ends. */
  public record Session(String keyId, String csrfToken, Instant expiresAt) {}

  public Started start(String keyId, Instant now) {
    String cookie = random();
    Session session = new Session(keyId, random(), now.plus(LIFETIME));
    db.writes()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO web_sessions (id_hash, key_id, csrf_token, created_at,"
                            + " expires_at) VALUES (:hash, :key, :csrf, :now, :expires)")
                    .bind("hash", KeySecrets.hash(cookie))
                    .bind("key", keyId)
                    .bind("csrf", session.csrfToken())
                    .bind("now", now.toEpochMilli())
                    .bind("expires", session.expiresAt().toEpochMilli())
                    .execute());
    return new Started(cookie, session);
  }

  /** The session this cookie opens, while it has not ended. */
  public Optional<Session> find(String cookie, Instant now) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT key_id, csrf_token, expires_at FROM web_sessions"
                            + " WHERE id_hash = :hash AND expires_at > :now")
                    .bind("hash", KeySecrets.hash(cookie))
                    .bind("now", now.toEpochMilli())
                    .map(
                        (rs, ctx) ->
                            new Session(
                                rs.getString("key_id"),
                                rs.getString("csrf_token"),
                                Instant.ofEpochMilli(rs.getLong("expires_at"))))
                    .findOne());
  }

  /** Sign-out (or a session whose key stopped working). */
  public void end(String cookie) {
    db.writes()
        .useHandle(
            h ->
                h.createUpdate("DELETE FROM web_sessions WHERE id_hash = :hash")
                    .bind("hash", KeySecrets.hash(cookie))
                    .execute());
  }

  /** Forgets sessions that ended (housekeeping); how many. */
  public int sweep(Instant now) {
    return db.writes()
        .withHandle(
            h ->
                h.createUpdate("DELETE FROM web_sessions WHERE expires_at <= :now")
                    .bind("now", now.toEpochMilli())
                    .execute());
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
