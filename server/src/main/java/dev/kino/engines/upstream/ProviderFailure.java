package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.Failures;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A provider's failure read into Kino's codes ({@link Failures}): each {@link Provider} reads its
 * own answers (an error code in the body, a moderation flag, a field name), and what it read is
 * kept beside the code, so the job's error says both what Kino made of it and what the provider
 * said.
 *
 * @param code one of {@link Failures}
 * @param providerCode the provider's own code for it, empty when it gives none
 * @param field the input field the provider named, for {@link Failures#INVALID_INPUT}
 */
record ProviderFailure(String code, String message, String providerCode, Optional<String> field) {

  ProviderFailure(String code, String message) {
    this(code, message, "", Optional.empty());
  }

  /** What an HTTP status says when the provider's answer says no more. */
  static String byStatus(int status) {
    return switch (status) {
      case 400, 422 -> Failures.INVALID_INPUT;
      case 401, 403 -> Failures.AUTH;
      case 402 -> Failures.QUOTA;
      case 408, 504 -> Failures.TIMEOUT;
      case 429 -> Failures.BUSY;
      default -> status >= 500 ? Failures.UNAVAILABLE : Failures.FAILED;
    };
  }

  /** A refusal read by its HTTP status alone. */
  static ProviderFailure ofStatus(ProviderHttp.Refused refused) {
    return new ProviderFailure(byStatus(refused.status), refused.getMessage());
  }

  /**
   * A task's failure told only in words (Kling's {@code task_status_msg}, Replicate's {@code
   * error}): a moderation or time-out is recognised by the words providers use for them, anything
   * else is the provider's failure.
   */
  static ProviderFailure fromText(String message) {
    String text = message.toLowerCase(java.util.Locale.ROOT);
    if (MODERATION.matcher(text).find()) {
      return new ProviderFailure(Failures.CONTENT_REFUSED, message);
    }
    if (text.contains("timed out") || text.contains("timeout")) {
      return new ProviderFailure(Failures.TIMEOUT, message);
    }
    return new ProviderFailure(Failures.FAILED, message);
  }

  private static final java.util.regex.Pattern MODERATION =
      java.util.regex.Pattern.compile(
          "content (security|safety|policy|moderation)|risk control|sensitive|nsfw|\\(e005\\)|"
              + "moderation|flagged");

  ProviderFailure withProviderCode(String providerOwn) {
    return new ProviderFailure(code, message, providerOwn, field);
  }

  ProviderFailure withField(String name) {
    return new ProviderFailure(
        code, message, providerCode, name.isBlank() ? Optional.empty() : Optional.of(name));
  }

  /**
   * The failure as the job's error: {@code what} happened (a sentence) with the provider's message,
   * and the detail: the engine, the HTTP status (0 for a task's own failure), the provider's code
   * and message, the field.
   */
  EngineException exception(String engine, int status, String what) {
    String sentence = what + ": " + message;
    EngineException e =
        code.equals(Failures.UNAVAILABLE)
            ? EngineException.retryable(code, sentence, null)
            : new EngineException(code, sentence);
    return e.withDetail(detail(engine, status));
  }

  /** What the provider said, as the job's error keeps it. */
  ObjectNode detail(String engine, int status) {
    ObjectNode detail = JsonMapper.shared().createObjectNode();
    detail.put("provider", engine);
    if (status > 0) {
      detail.put("status", status);
    }
    if (!providerCode.isBlank()) {
      detail.put("code", providerCode);
    }
    detail.put("message", message);
    field.ifPresent(f -> detail.put("field", f));
    return detail;
  }
}
