package dev.kino.api;

import dev.kino.keys.WebSessions;
import dev.kino.models.FieldProblem;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The web app's sign-in: {@code POST /web/session} with {@code {"api_key": ...}} checks the key as
 * a Bearer key would be checked, then sets an HttpOnly, SameSite=Strict cookie bound to that key;
 * {@code GET /web/session} tells the page who it is signed in as and the CSRF token its changes
 * carry; {@code DELETE /web/session} signs out. The key itself is never kept: not in the cookie,
 * not in the page.
 */
final class SessionRoutes {
  private final Authenticator auth;
  private final WebSessions sessions;
  private final Clock clock;

  SessionRoutes(Authenticator auth, WebSessions sessions, Clock clock) {
    this.auth = auth;
    this.sessions = sessions;
    this.clock = clock;
  }

  void signIn(Context ctx) {
    // Only JSON: a form on another site can post text/plain or a form encoding without asking,
    // but not application/json, so nobody can sign a browser in to a key of theirs.
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (!type.startsWith("application/json")) {
      throw new ApiException(
          415,
          415001,
          "unsupported_media_type",
          "sign in with a JSON body (Content-Type: application/json): {\"api_key\": ...}");
    }
    JsonNode body = RequestBodies.json(ctx);
    JsonNode key = body.path("api_key");
    if (!key.isString() || key.asString().isBlank()) {
      throw new ApiException(
          422,
          422001,
          "invalid_input",
          "api_key is required: the API key to sign in with",
          List.of(new FieldProblem("api_key", "required", "enter an API key")));
    }
    Caller caller = auth.callerOfSecret(key.asString().strip());
    Instant now = clock.instant();
    WebSessions.Started started = sessions.start(caller.ownerId(), now);
    ctx.header("Set-Cookie", cookie(ctx, started.cookie(), WebSessions.LIFETIME.toSeconds()));
    Responses.json(ctx, 200, view(caller, started.session()));
  }

  /** Who the page is signed in as, or {@code signed_in: false} (a page asks before it signs in). */
  void show(Context ctx) {
    Optional<WebSessions.Session> session = auth.session(ctx);
    if (session.isEmpty()) {
      ObjectNode body = JsonMapper.shared().createObjectNode();
      body.put("signed_in", false);
      Responses.json(ctx, 200, body);
      return;
    }
    auth.authenticate(ctx); // its key may have been revoked since
    Responses.json(ctx, 200, view(Authenticator.caller(ctx), session.get()));
  }

  /** Signs out: the session ends on the server and the browser forgets the cookie. */
  void signOut(Context ctx) {
    String cookie = ctx.cookie(Authenticator.SESSION_COOKIE);
    if (cookie != null && auth.session(ctx).isPresent()) {
      auth.authenticate(ctx); // the CSRF token: another site cannot sign a user out either
      sessions.end(cookie);
    }
    ctx.header("Set-Cookie", cookie(ctx, "", 0));
    ctx.status(204);
  }

  private static ObjectNode view(Caller caller, WebSessions.Session session) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("signed_in", true);
    body.put("key_id", caller.ownerId());
    body.put("admin", caller.admin());
    body.put("csrf_token", session.csrfToken());
    body.put("expires_at", session.expiresAt().toString());
    return body;
  }

  /**
   * Secure when the page was reached over HTTPS (directly or, by its public URL, behind a proxy).
   */
  private static String cookie(Context ctx, String value, long maxAgeSeconds) {
    String forwarded = ctx.header("X-Forwarded-Proto");
    boolean secure = "https".equals(ctx.scheme()) || "https".equalsIgnoreCase(forwarded);
    return Authenticator.SESSION_COOKIE
        + "="
        + value
        + "; Path=/; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }
}
