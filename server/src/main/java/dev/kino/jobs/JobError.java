package dev.kino.jobs;

/**
 * Why a job failed: a stable machine-readable {@code code} (e.g. {@code input_fetch_failed}) and a
 * sentence for people.
 */
public record JobError(String code, String message) {
  /** The code and the sentence in one line, for an API whose errors are one text. */
  public String summary() {
    return code + ": " + message;
  }
}
