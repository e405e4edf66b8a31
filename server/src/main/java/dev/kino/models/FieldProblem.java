package dev.kino.models;

/**
 * One thing wrong with one field of a request.
 *
 * @param path where, in the dotted form people read ({@code multi_prompt[1].duration}); empty for
 *     the body
 * @param code a stable machine-readable reason ({@code maximum}, {@code required}, {@code enum},
 *     ...)
 * @param message a sentence about this field
 */
public record FieldProblem(String path, String code, String message) {}
