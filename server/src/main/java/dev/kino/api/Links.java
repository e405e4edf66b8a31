package dev.kino.api;

import dev.kino.storage.UrlSigner;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Builds the absolute URLs the API returns: from {@code --public-url} when set (behind a proxy), otherwise from
 * the request's own scheme and Host, so a client that reached the server gets links that reach it too.
 */
final class Links {
  private final Optional<URI> publicUrl;
  private final UrlSigner signer;
  private final Duration fileUrlTtl;
  private final Clock clock;

  Links(Optional<URI> publicUrl, UrlSigner signer, Duration fileUrlTtl, Clock clock) {
    this.publicUrl = publicUrl;
    this.signer = signer;
    this.fileUrlTtl = fileUrlTtl;
    this.clock = clock;
  }

  String base(Context ctx) {
    if (publicUrl.isPresent()) {
      String url = publicUrl.get().toString();
      return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
    String host = ctx.header("Host");
    if (host == null || host.isBlank()) {
      host = ctx.req().getLocalAddr() + ":" + ctx.req().getLocalPort();
    }
    return ctx.scheme() + "://" + host;
  }

  String request(Context ctx, String requestId, String action) {
    return base(ctx) + "/v1/requests/" + requestId + "/" + action;
  }

  /** A URL for a stored file that works without the Bearer header until it expires. */
  String file(Context ctx, String key) {
    return base(ctx) + "/files/" + key + "?" + signer.query(key, clock.instant().plus(fileUrlTtl));
  }
}
