package dev.kino.requests;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobRequests;
import dev.kino.storage.FileStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Stored files no job owns: an attempt's outputs stored just before a crash kept the job from
 * recording them (a later attempt stored its own), or a job's record is gone. Swept at start-up by
 * a node alone on its data (the embedded default), when no attempt can be mid-way; a queued or
 * running job's folder is left alone.
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
      Set<String> kept = new HashSet<>();
      if (job.isPresent() && job.get().outputsDeletedAt().isEmpty()) {
        job.get()
            .output()
            .ifPresent(o -> o.values().forEach(v -> OutputDeletions.collect(v, kept)));
      }
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
