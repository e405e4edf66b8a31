package dev.kino.jobs;

import java.util.Optional;

/**
 * A page of one key's jobs, newest first.
 *
 * @param beforeSeq only jobs submitted before this one (the cursor of the previous page)
 */
public record JobQuery(
    String owner,
    Optional<JobState> state,
    Optional<String> modelId,
    Optional<Long> beforeSeq,
    int limit) {}
