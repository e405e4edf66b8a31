package dev.kino.requests;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobRequests;
import dev.kino.storage.FileStore;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Deleting a finished request's stored files: every file kept under the job's folder (an earlier
 * attempt's copy too, which a crash between storing and recording can leave), and the outputs its
 * record names; then the record says when. The record itself stays.
 */
public final class OutputDeletions {
  private final JobRequests jobs;
  private final FileStore files;
  private final Clock clock;

  public OutputDeletions(JobRequests jobs, FileStore files, Clock clock) {
    this.jobs = jobs;
    this.files = files;
    this.clock = clock;
  }

  /** What was deleted: the job as it is now and how many files went. */
  public record Deleted(Job job, int files) {}

  /** For a finished job only; an IOException leaves the rest to a retry of the same call. */
  public Deleted delete(Job job) throws IOException {
    int deleted = 0;
    for (String key : storedFiles(job, files)) {
      files.delete(key);
      deleted++;
    }
    jobs.markOutputsDeleted(job.id(), clock.instant());
    return new Deleted(jobs.find(job.id()).orElse(job), deleted);
  }

  /** Every file kept for the job: its folder's, and any output its record names elsewhere. */
  static Set<String> storedFiles(Job job, FileStore files) throws IOException {
    Set<String> keys = new LinkedHashSet<>(files.keys(folder(job.id())));
    keys.addAll(recordedOutputs(job));
    return keys;
  }

  /** The storage keys the job's record names as its outputs (none once they were deleted). */
  static Set<String> recordedOutputs(Job job) {
    Set<String> keys = new LinkedHashSet<>();
    if (job.outputsDeletedAt().isEmpty()) {
      job.output().ifPresent(output -> output.values().forEach(v -> collect(v, keys)));
    }
    return keys;
  }

  /** Where a job's attempts store their outputs ({@code jobs/<id>/<attempt>/...}). */
  static String folder(String jobId) {
    return "jobs/" + jobId;
  }

  /** The storage keys an output names (a field holds one key or a list of them). */
  private static void collect(JsonNode value, Set<String> keys) {
    if (value.isArray()) {
      value.forEach(v -> collect(v, keys));
    } else if (value.isString()) {
      keys.add(value.asString());
    }
  }
}
