package dev.kino.requests;

import dev.kino.jobs.Job;

/**
 * The job a submission made, or, for a replayed {@code Idempotency-Key}, the one it made before.
 */
public record Submitted(Job job, boolean replayed) {}
