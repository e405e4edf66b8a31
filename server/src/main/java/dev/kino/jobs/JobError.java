package dev.kino.jobs;

/**
 * Why a job failed: a stable machine-readable {@code code} (e.g. {@code input_fetch_failed}) and a
 * sentence for people.
 */
public record JobError(String code, String message) {}
