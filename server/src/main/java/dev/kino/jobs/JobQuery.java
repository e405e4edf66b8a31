package dev.kino.jobs;

import java.util.Optional;

/**
 * One page of an owner's jobs: newest first after {@code beforeSeq} (the seed listing), or oldest
 * first after {@code afterSeq} when {@code ascending}; optionally of one state and one model.
 */
public record JobQuery(
    String owner,
    Optional<JobState> state,
    Optional<String> modelId,
    Optional<Long> beforeSeq,
    int limit,
    boolean ascending,
    Optional<Long> afterSeq) {

  public JobQuery(
      String owner,
      Optional<JobState> state,
      Optional<String> modelId,
      Optional<Long> beforeSeq,
      int limit) {
    this(owner, state, modelId, beforeSeq, limit, false, Optional.empty());
  }
}
