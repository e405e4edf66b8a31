package dev.kino.requests;

import dev.kino.jobs.Callback;
import dev.kino.models.FieldProblem;
import dev.kino.models.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Kino's additive body fields {@code webhook_url} and {@code webhook_on_start}: not the model's, so
 * its schema does not know them; taken out of the body and checked for shape here (where the URL
 * points is checked later, with the input URLs).
 */
final class WebhookFields {
  static final String WEBHOOK_URL = "webhook_url";
  static final String WEBHOOK_ON_START = "webhook_on_start";

  /**
   * The shape of the messages: {@code kino} (the default), or {@code fal} / {@code replicate} (what
   * those APIs' receivers expect; the dialects set it).
   */
  static final String WEBHOOK_FORMAT = "webhook_format";

  private static final int MAX_URL_LENGTH = 2048;

  private WebhookFields() {}

  static Optional<Callback> callback(JsonNode body) {
    if (!body.isObject()) {
      return Optional.empty();
    }
    JsonNode url = body.get(WEBHOOK_URL);
    JsonNode onStart = body.get(WEBHOOK_ON_START);
    JsonNode format = body.get(WEBHOOK_FORMAT);
    List<FieldProblem> problems = new ArrayList<>();
    Callback.Format shape = Callback.Format.KINO;
    if (format != null && !format.isNull()) {
      try {
        shape = Callback.Format.fromWire(format.isString() ? format.asString() : "?");
      } catch (IllegalArgumentException e) {
        problems.add(new FieldProblem(WEBHOOK_FORMAT, "enum", "must be kino, fal or replicate"));
      }
    }
    if (onStart != null && !onStart.isBoolean()) {
      problems.add(new FieldProblem(WEBHOOK_ON_START, "type", "must be true or false"));
    }
    boolean noUrl = url == null || url.isNull();
    if (noUrl && onStart != null && onStart.asBoolean(false)) {
      problems.add(new FieldProblem(WEBHOOK_ON_START, "requires", "needs webhook_url"));
    }
    if (!noUrl && (!url.isString() || url.asString().length() > MAX_URL_LENGTH)) {
      problems.add(
          new FieldProblem(
              WEBHOOK_URL,
              "type",
              "must be an http(s) URL of at most " + MAX_URL_LENGTH + " characters"));
    }
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
    return noUrl
        ? Optional.empty()
        : Optional.of(
            new Callback(url.asString(), onStart != null && onStart.asBoolean(false), shape));
  }

  /** The body as the model sees it: without these fields. */
  static JsonNode removedFrom(JsonNode body) {
    if (!body.isObject()
        || !(body.has(WEBHOOK_URL) || body.has(WEBHOOK_ON_START) || body.has(WEBHOOK_FORMAT))) {
      return body;
    }
    ObjectNode copy = ((ObjectNode) body).deepCopy();
    copy.remove(WEBHOOK_URL);
    copy.remove(WEBHOOK_ON_START);
    copy.remove(WEBHOOK_FORMAT);
    return copy;
  }
}
