package dev.kino.jobs;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Why a job failed: a stable machine-readable {@code code} (e.g. {@code input_fetch_failed}) and a
 * sentence for people; {@code detail}, when the failure is a provider's, what it said (its own code
 * and message, the field it named) and the routes the job tried.
 */
public record JobError(String code, String message, ObjectNode detail) {
  public JobError(String code, String message) {
    this(code, message, null);
  }

  /** As stored and shown: {@code code}, {@code message}, and {@code detail} when there is one. */
  public String toJson() {
    ObjectNode json =
        JsonMapper.shared().createObjectNode().put("code", code).put("message", message);
    if (detail != null) {
      json.set("detail", detail);
    }
    return json.toString();
  }

  /** The code and the sentence in one line, for an API whose errors are one text. */
  public String summary() {
    return code + ": " + message;
  }
}
