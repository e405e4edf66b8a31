package dev.kino.api;

import dev.kino.keys.ApiKey;
import dev.kino.keys.KeyLimits;
import dev.kino.keys.KeySecrets;
import dev.kino.keys.KeyStore;
import dev.kino.keys.WebSessions;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks {@code Authorization: Bearer <key>} on every {@code /v1} route. The operator's {@code
 * KINO_ADMIN_KEY} is compared by hash in constant time; other keys are looked up by hash, through a
 * {@link KeyCache} of half a second. A key is never logged. The one exception to the header is an
 * events stream opened with its signed {@code ?token=} ({@link EventTokens}).
 */
final class Authenticator {
  static final String ENV_ADMIN_OWNER = "admin-env";
  private static final String ATTRIBUTE = "kino.caller";

  /**
   * The routes a query token opens: a request's events stream (for EventSource), and the same
   * request's Replicate stream (which Replicate's clients fetch without a key).
   */
  private static final Pattern EVENTS_PATH =
      Pattern.compile(
          "/v1/requests/([^/]+)/events|/replicate/v1/predictions/([^/]+)/stream"
              + "|/fal/storage/upload/([^/]+)");

  /** What a token for a fal storage upload is issued for: not a request (see {@link FalRoutes}). */
  static String uploadSubject(String uploadId) {
    return "fal-upload:" + uploadId;
  }

  private final KeyStore keys;
  private final KeyCache cache;
  private final Optional<byte[]> adminKeyHash;
  private final EventTokens tokens;
  private final KeyLimits userDefaults;
  private final Clock clock;
  private final Runnable keysChanged;
  private final WebSessions sessions;

  /** {@code keysChanged}: told when this node changed a key, for what it keeps by key. */
  Authenticator(
      KeyStore keys,
      Optional<String> adminKey,
      EventTokens tokens,
      KeyLimits userDefaults,
      Clock clock,
      Runnable keysChanged,
      WebSessions sessions) {
    this.keys = keys;
    this.cache = new KeyCache(keys, System::nanoTime);
    this.adminKeyHash = adminKey.map(k -> KeySecrets.hash(k).getBytes(StandardCharsets.US_ASCII));
    this.tokens = tokens;
    this.userDefaults = userDefaults;
    this.clock = clock;
    this.keysChanged = keysChanged;
    this.sessions = sessions;
  }

  void authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String token = ctx.queryParam("token");
    if ((header == null || header.isBlank()) && token != null) {
      ctx.attribute(ATTRIBUTE, tokenOwner(ctx.path(), token));
      return;
    }
    String session = ctx.cookie(SESSION_COOKIE);
    if ((header == null || header.isBlank()) && session != null) {
      ctx.attribute(ATTRIBUTE, sessionOwner(ctx, session));
      return;
    }
    if (header == null || header.isBlank()) {
      throw ApiException.unauthorized(
          "missing Authorization header; send \"Authorization: Bearer <your API key>\"");
    }
    // Replicate's clients say "Token <key>" (its older form), fal's "Key <key>", as well as Bearer.
    boolean tokenScheme =
        ctx.path().startsWith(ReplicateRoutes.PREFIX)
            && header.regionMatches(true, 0, "Token ", 0, 6);
    boolean keyScheme =
        ctx.path().startsWith(FalRoutes.PREFIX) && header.regionMatches(true, 0, "Key ", 0, 4);
    int start = tokenScheme ? 6 : keyScheme ? 4 : 7;
    if (!(tokenScheme || keyScheme || header.regionMatches(true, 0, "Bearer ", 0, 7))
        || header.substring(start).isBlank()) {
      throw ApiException.unauthorized("the Authorization header must be \"Bearer <your API key>\"");
    }
    ctx.attribute(ATTRIBUTE, callerOfSecret(header.substring(start).strip()));
  }

  /** The web app's session cookie (HttpOnly, SameSite=Strict; see {@link SessionRoutes}). */
  static final String SESSION_COOKIE = "kino_session";

  /** The header every change made with the session cookie carries: the session's CSRF token. */
  static final String CSRF_HEADER = "X-CSRF-Token";

  /**
   * Who an API key is, with every check of a Bearer key (unknown, revoked, expired: 401): for a
   * request's header, or a sign-in.
   */
  Caller callerOfSecret(String secret) {
    String hash = KeySecrets.hash(secret);
    if (adminKeyHash.isPresent()
        && MessageDigest.isEqual(adminKeyHash.get(), hash.getBytes(StandardCharsets.US_ASCII))) {
      return Caller.operator(ENV_ADMIN_OWNER);
    }
    ApiKey key =
        cache
            .find(hash)
            .orElseThrow(() -> ApiException.unauthorized("the API key is not valid (unknown)"));
    if (key.revokedAt().isPresent()) {
      throw ApiException.unauthorized("the API key has been revoked");
    }
    if (!key.activeAt(clock.instant())) {
      throw ApiException.unauthorized("the API key expired at " + key.expiresAt().orElseThrow());
    }
    return callerOf(key);
  }

  /**
   * A web session's caller, while the session lasts and its key still works; a change (any method
   * but GET and HEAD) must carry the session's CSRF token, so another site cannot make one with the
   * cookie.
   */
  private Caller sessionOwner(Context ctx, String cookie) {
    WebSessions.Session session =
        sessions
            .find(cookie, clock.instant())
            .orElseThrow(() -> ApiException.unauthorized("the session has ended; sign in again"));
    String method = ctx.method().name();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      String sent = ctx.header(CSRF_HEADER);
      if (sent == null
          || !MessageDigest.isEqual(
              sent.getBytes(StandardCharsets.UTF_8),
              session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
        throw ApiException.forbidden(
            "csrf_token_invalid",
            "a change made with the session cookie must carry its CSRF token in " + CSRF_HEADER);
      }
    }
    Optional<Caller> caller = ownerOf(session.keyId());
    if (caller.isEmpty()) {
      sessions.end(cookie);
      throw ApiException.unauthorized(
          "the API key this session was opened with has been revoked or has expired");
    }
    return caller.get();
  }

  /** The CSRF token of the request's session (for the web app's own page), if it has one. */
  Optional<WebSessions.Session> session(Context ctx) {
    String cookie = ctx.cookie(SESSION_COOKIE);
    return cookie == null ? Optional.empty() : sessions.find(cookie, clock.instant());
  }

  /** A key id's caller while the key works (the operator's while KINO_ADMIN_KEY is set). */
  private Optional<Caller> ownerOf(String keyId) {
    if (keyId.equals(ENV_ADMIN_OWNER)) {
      return adminKeyHash.map(h -> Caller.operator(ENV_ADMIN_OWNER));
    }
    return keys.find(keyId).filter(k -> k.activeAt(clock.instant())).map(this::callerOf);
  }

  /** What holds for a key: its own limits, and for a user key the server's defaults beside them. */
  private Caller callerOf(ApiKey key) {
    KeyLimits limits = key.admin() ? key.limits() : key.limits().or(userDefaults);
    return new Caller(key.id(), key.admin(), limits, key.models());
  }

  /**
   * A key this node changed (revoked, new limits) holds at once here, elsewhere within a second.
   */
  void changed(String keyId) {
    cache.forget(keyId);
    keysChanged.run();
  }

  private Caller tokenOwner(String path, String token) {
    Matcher events = EVENTS_PATH.matcher(path);
    if (!events.matches()) {
      throw ApiException.unauthorized(
          "a token opens only the events stream it was issued for; send \"Authorization: Bearer <your API key>\"");
    }
    String owner =
        tokens
            .verify(tokenSubject(events), token, clock.instant())
            .orElseThrow(
                () ->
                    ApiException.unauthorized(
                        "the token is not valid for this events stream, or it expired; get a fresh events_url from the status route"));
    // A token speaks for its key only while the key does: revoking a key ends its tokens too.
    return ownerOf(owner)
        .orElseThrow(
            () ->
                ApiException.unauthorized(
                    "the API key this token was issued for has been revoked or has expired"));
  }

  private static String tokenSubject(Matcher path) {
    if (path.group(1) != null) {
      return path.group(1);
    }
    return path.group(2) != null ? path.group(2) : uploadSubject(path.group(3));
  }

  static Caller caller(Context ctx) {
    Caller caller = ctx.attribute(ATTRIBUTE);
    if (caller == null) {
      throw new IllegalStateException("route reached without authentication");
    }
    return caller;
  }
}
