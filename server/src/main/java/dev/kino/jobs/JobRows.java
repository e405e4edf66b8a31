package dev.kino.jobs;

import dev.kino.database.Columns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** How jobs and their events are read from their tables; shared by the three parts of the store. */
final class JobRows {
  static final JsonMapper JSON = JsonMapper.shared();
  static final String JOB_COLUMNS =
      "seq, id, owner, model_id, input, status, attempt, max_attempts, progress, output, error,"
          + " metadata, created_at, started_at, finished_at, webhook_url, webhook_on_start,"
          + " base_url, outputs_deleted_at, engine_state, cancel_requested_at, webhook_format, route";
  static final String EVENT_COLUMNS = "seq, job_id, kind, data, created_at";

  private JobRows() {}

  /**
   * Named arguments for a statement, in pairs: {@code name, value, name, value...}; values may be
   * null, which {@code Map.of} refuses.
   */
  static Map<String, Object> args(Object... pairs) {
    Map<String, Object> args = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      args.put((String) pairs[i], pairs[i + 1]);
    }
    return args;
  }

  static Job job(ResultSet rs, StatementContext ctx) throws SQLException {
    String webhook = rs.getString("webhook_url");
    return new Job(
        rs.getString("id"),
        rs.getLong("seq"),
        rs.getString("owner"),
        rs.getString("model_id"),
        (ObjectNode) JSON.readTree(rs.getString("input")),
        JobState.fromWire(rs.getString("status")),
        rs.getInt("attempt"),
        rs.getInt("max_attempts"),
        Optional.ofNullable(rs.getObject("progress")).map(p -> ((Number) p).doubleValue()),
        object(rs.getString("output")),
        Optional.ofNullable(rs.getString("error")).map(e -> JSON.readValue(e, JobError.class)),
        object(rs.getString("metadata")),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Columns.optionalInstant(rs, "started_at"),
        Columns.optionalInstant(rs, "finished_at"),
        webhook == null
            ? Optional.empty()
            : Optional.of(
                new Callback(
                    webhook,
                    rs.getInt("webhook_on_start") == 1,
                    Callback.Format.fromWire(rs.getString("webhook_format")))),
        Optional.ofNullable(rs.getString("base_url")).orElse(""),
        Columns.optionalInstant(rs, "outputs_deleted_at"),
        object(rs.getString("engine_state")),
        Columns.optionalInstant(rs, "cancel_requested_at").isPresent(),
        Optional.ofNullable(rs.getString("route")));
  }

  static JobEvent event(ResultSet rs, StatementContext ctx) throws SQLException {
    return new JobEvent(
        rs.getLong("seq"),
        rs.getString("job_id"),
        JobEvent.Kind.fromWire(rs.getString("kind")),
        (ObjectNode) JSON.readTree(rs.getString("data")),
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }

  private static Optional<ObjectNode> object(String json) {
    return json == null ? Optional.empty() : Optional.of((ObjectNode) JSON.readTree(json));
  }
}
