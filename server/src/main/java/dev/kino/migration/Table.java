package dev.kino.migration;

import java.util.List;

/**
 * One of Kino's tables as the move copies it: rows in primary-key order (the queue's and the event
 * log's order where there is one), and whether its {@code seq} column is a sequence PostgreSQL must
 * continue after.
 */
record Table(String name, String orderBy, boolean serial) {

  /**
   * Every table an install keeps, parents before what refers to them. Engine places, ComfyUI health
   * and the database clock are a running cluster's, not an install's, and Flyway's history is each
   * side's.
   */
  static final List<Table> ALL =
      List.of(
          new Table("api_keys", "id", false),
          new Table("jobs", "seq", true),
          new Table("job_owners", "owner", false),
          new Table("submit_buckets", "owner", false),
          new Table("uploads", "id", false),
          new Table("job_events", "seq", true),
          new Table("webhook_deliveries", "id", false),
          new Table("webhook_attempts", "delivery_id, attempt", false),
          new Table("outbox_cursor", "name", false),
          new Table("idempotency_keys", "owner, key", false),
          new Table("video_remixes", "job_id", false));
}
