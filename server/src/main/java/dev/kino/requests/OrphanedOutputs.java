package dev.kino.requests;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobRequests;
import dev.kino.storage.FileStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Stored files no job owns: an attempt's outputs stored just before a crash kept the job from
 * recording them (a later attempt stored its own), or a job's record is gone. Swept once after
 * start-up by a node alone on its data (the embedded default), in the background: a queued or
 * running job's folder is left alone, a finished job's folder is written by nobody, and a folder is
 * only made by a worker after its job exists, so the sweep can run beside the workers.
 */
public final class OrphanedOutputs {
  private OrphanedOutputs() {}

  /** Removes them; how many files it removed. */
  public static int sweep(FileStore files, JobRequests jobs) throws IOException {
    Map<String, List<String>> byJob = new TreeMap<>();
    for (String key : files.keys("jobs")) {
      String[] parts = key.split("/");
      if (parts.length >= 3) {
        byJob.computeIfAbsent(parts[1], id -> new ArrayList<>()).add(key);
      }
    }
    int removed = 0;
    for (Map.Entry<String, List<String>> folder : byJob.entrySet()) {
      Optional<Job> job = jobs.find(folder.getKey());
      if (job.isPresent() && !job.get().state().isFinal()) {
        continue;
      }
      Set<String> kept = job.map(OutputDeletions::recordedOutputs).orElse(Set.of());
      for (String key : folder.getValue()) {
        if (!kept.contains(key)) {
          files.delete(key);
          removed++;
        }
      }
    }
    return removed;
  }
}
