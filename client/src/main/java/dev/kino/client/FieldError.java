package dev.kino.client;

/**
 * One field the server refused.
 *
 * @param path the field, e.g. {@code duration} or {@code multi_prompt[1].prompt}; a header or query
 *     parameter name for those
 * @param code the rule it broke ({@code maximum}, {@code enum}, {@code url_forbidden}, ...)
 * @param message the server's sentence about it
 */
public record FieldError(String path, String code, String message) {}
