package dev.kino.api;

import dev.kino.models.FieldProblem;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What HTTP carries of a submit: the JSON body and the {@code Idempotency-Key} header, checked. */
final class RequestBodies {
  private static final int MAX_KEY_LENGTH = 255;

  private RequestBodies() {}

  static Optional<String> idempotencyKey(Context ctx) {
    String key = ctx.header("Idempotency-Key");
    if (key == null) {
      return Optional.empty();
    }
    if (key.isBlank()
        || key.length() > MAX_KEY_LENGTH
        || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      String rule = "must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters";
      throw new ApiException(
          400,
          400006,
          "invalid_idempotency_key",
          "the Idempotency-Key header " + rule + " (a UUID is a good choice)",
          List.of(new FieldProblem("Idempotency-Key", "format", rule)));
    }
    return Optional.of(key);
  }

  /**
   * The parser's complaint in the client's terms: where in the body, and what is wrong, without the
   * parser's class and feature names.
   */
  static String inClientsTerms(JacksonException e) {
    String message =
        e.getOriginalMessage()
            .replaceAll("\\s*\\(start marker at \\[.*", "")
            .replace("expected close marker for Object", "an object is not closed with }")
            .replace("expected close marker for Array", "an array is not closed with ]")
            .replaceAll(":?\\s*enable `[^`]*` to allow", " (not allowed in JSON)")
            .replaceAll("\\s*\\(?`[^`]*`\\)?", "")
            .strip();
    var location = e.getLocation();
    if (location != null && location.getLineNr() > 0) {
      message += " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
    return message;
  }

  static JsonNode json(Context ctx) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (!type.isEmpty()
        && !type.startsWith("application/json")
        && !type.contains("+json")
        && !type.startsWith("text/plain")
        && !type.startsWith("application/x-www-form-urlencoded")) {
      throw new ApiException(
          415,
          415001,
          "unsupported_media_type",
          "send the input as JSON (Content-Type: application/json), not " + ctx.contentType());
    }
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      throw ApiException.malformedJson(
          "the body is empty; send a JSON object with the model's input fields");
    }
    try {
      return JsonMapper.shared().readTree(bytes);
    } catch (JacksonException e) {
      throw ApiException.malformedJson(inClientsTerms(e));
    }
  }
}
