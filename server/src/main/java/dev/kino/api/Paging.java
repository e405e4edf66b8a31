package dev.kino.api;

import dev.kino.models.FieldProblem;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Query parameters of list routes ({@code limit}, {@code offset}), refused with 400 when out of
 * range.
 */
final class Paging {
  private Paging() {}

  /** A page cursor: the last shown job's queue number, opaque to clients. */
  static String cursor(long seq) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("seq:" + seq).getBytes(StandardCharsets.UTF_8));
  }

  /** The queue number a cursor this server gave out stands for; 400 for anything else. */
  static long seq(String name, String cursor) {
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (decoded.startsWith("seq:")) {
        return Long.parseLong(decoded.substring(4));
      }
    } catch (IllegalArgumentException e) {
      // falls through to the refusal
    }
    throw new ApiException(
        400,
        400002,
        "invalid_parameter",
        name + " is not one this server gave out; use the one from the previous page",
        List.of(new FieldProblem(name, "format", "must be a cursor from a previous page")));
  }

  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.strip());
      if (value < min || value > max) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ApiException(
          400,
          400002,
          "invalid_parameter",
          name + " must be a whole number from " + min + " to " + max + ", got \"" + raw + "\"",
          List.of(
              new FieldProblem(
                  name, "range", "must be a whole number from " + min + " to " + max)));
    }
  }
}
