package dev.kino.dialects.openai;

import dev.kino.database.Database;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Which video each remix was made from (table {@code video_remixes}). */
public final class VideoRemixes {
  private final Database db;

  public VideoRemixes(Database db) {
    this.db = db;
  }

  public void record(String jobId, String sourceId) {
    db.writes()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO video_remixes (job_id, source_id) VALUES (:job, :source)"
                            + " ON CONFLICT (job_id) DO NOTHING")
                    .bind("job", jobId)
                    .bind("source", sourceId)
                    .execute());
  }

  /** The sources of those of {@code jobIds} that are remixes, by job id: one query for a page. */
  public Map<String, String> sourcesOf(List<String> jobIds) {
    if (jobIds.isEmpty()) {
      return Map.of();
    }
    return db
        .reads()
        .withHandle(
            h ->
                h.createQuery("SELECT job_id, source_id FROM video_remixes WHERE job_id IN (<ids>)")
                    .bindList("ids", jobIds)
                    .map((rs, ctx) -> Map.entry(rs.getString("job_id"), rs.getString("source_id")))
                    .list())
        .stream()
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  public Optional<String> sourceOf(String jobId) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT source_id FROM video_remixes WHERE job_id = :job")
                    .bind("job", jobId)
                    .mapTo(String.class)
                    .findOne());
  }
}
