package dev.kino.api;

import dev.kino.storage.UrlSigner;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Query tokens for one request's events stream, for browsers' EventSource, which cannot send an
 * Authorization header. A token names the key that owns the request and expires; it opens that
 * stream and nothing else. Format: {@code base64url(owner).<expires>.<signature>}.
 */
final class EventTokens {
  private final UrlSigner signer;

  EventTokens(UrlSigner signer) {
    this.signer = signer;
  }

  String issue(String requestId, String owner, Instant expires) {
    String encodedOwner =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(owner.getBytes(StandardCharsets.UTF_8));
    return encodedOwner + "." + signer.token(scope(requestId, owner), expires);
  }

  /** The owner the token speaks for, if it is genuine, for this request, and not expired. */
  Optional<String> verify(String requestId, String token, Instant now) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    String owner;
    try {
      owner =
          new String(
              Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    return signer.isValidToken(scope(requestId, owner), token.substring(dot + 1), now)
        ? Optional.of(owner)
        : Optional.empty();
  }

  private static String scope(String requestId, String owner) {
    return "events/" + requestId + "/" + owner;
  }
}
