package dev.kino.api;

import dev.kino.models.FieldProblem;
import io.javalin.http.Context;
import java.util.List;

/**
 * Query parameters of list routes ({@code limit}, {@code offset}), refused with 400 when out of
 * range.
 */
final class Paging {
  private Paging() {}

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
