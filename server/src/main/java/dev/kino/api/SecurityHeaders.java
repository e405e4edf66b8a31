package dev.kino.api;

import io.javalin.http.Context;

/**
 * Headers every answer carries, so that nothing Kino serves is sniffed into another type, leaks its
 * signed URL as a referrer, or runs in a page: the API and the files are data, never documents.
 */
final class SecurityHeaders {
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

  private SecurityHeaders() {}

  static void apply(Context ctx) {
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  }
}
