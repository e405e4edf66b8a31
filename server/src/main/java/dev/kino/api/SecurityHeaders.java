package dev.kino.api;

import io.javalin.http.Context;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Headers every answer carries, so that nothing Kino serves is sniffed into another type, leaks its
 * signed URL as a referrer, or runs in a page: the API and the files are data, never documents.
 */
final class SecurityHeaders {
  static final Map<String, String> HEADERS =
      Map.of(
          "X-Content-Type-Options", "nosniff",
          "Referrer-Policy", "no-referrer",
          "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");

  private SecurityHeaders() {}

  static void apply(Context ctx) {
    putAll(ctx::header);
  }

  /** The headers, to whatever sets them (a Javalin context, Jetty's own error responses). */
  static void putAll(BiConsumer<String, String> put) {
    HEADERS.forEach(put);
  }
}
