package dev.kino.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.database.SqliteDatabase;
import dev.kino.idempotency.IdempotencyKeys.Claim;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.JobRequests;
import dev.kino.jobs.JobStore;
import dev.kino.jobs.NewJob;
import dev.kino.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * How a reserved key decides later requests, over time (a mutable clock stands in for the wall
 * clock).
 */
class IdempotencyKeysTest {

  @Test
  void a_key_is_kept_for_24_hours_then_free_for_a_new_request(@TempDir Path dataDir) {
    MutableClock clock = new MutableClock();
    try (SqliteDatabase db = SqliteDatabase.open(dataDir)) {
      IdempotencyKeys keys = new IdempotencyKeys(db, clock);
      JobRequests jobs = JobStore.on(db, new EventHub()).requests();
      assertThat(keys.claim("alice", "k", "fp1", "id-1")).isEqualTo(new Claim.Fresh("id-1"));
      jobs.submit(
          new NewJob(
              "id-1",
              "alice",
              "m",
              JsonMapper.shared().createObjectNode(),
              3,
              java.util.Optional.empty(),
              ""),
          clock.instant());

      clock.advance(Duration.ofHours(23));
      assertThat(keys.claim("alice", "k", "fp1", "id-2")).isEqualTo(new Claim.Replay("id-1"));
      assertThat(keys.claim("alice", "k", "fp2", "id-2")).isEqualTo(new Claim.Mismatch("id-1"));
      assertThat(keys.sweep()).isZero();

      clock.advance(Duration.ofHours(2));
      assertThat(keys.claim("alice", "k", "fp2", "id-3"))
          .as("expired: a new request")
          .isEqualTo(new Claim.Fresh("id-3"));
      clock.advance(Duration.ofHours(25));
      assertThat(keys.sweep()).isEqualTo(1);
    }
  }

  @Test
  void a_reservation_whose_job_never_appeared_is_taken_over_after_a_minute(@TempDir Path dataDir) {
    MutableClock clock = new MutableClock();
    try (SqliteDatabase db = SqliteDatabase.open(dataDir)) {
      IdempotencyKeys keys = new IdempotencyKeys(db, clock);
      assertThat(keys.claim("alice", "k", "fp", "id-1")).isEqualTo(new Claim.Fresh("id-1"));

      assertThat(keys.claim("alice", "k", "fp", "id-2"))
          .as("the first is still being accepted")
          .isEqualTo(new Claim.InProgress());
      clock.advance(IdempotencyKeys.ABANDONED_AFTER.plusSeconds(1));
      assertThat(keys.claim("alice", "k", "fp", "id-3"))
          .as("its node died before the job was stored")
          .isEqualTo(new Claim.Fresh("id-3"));
      assertThat(keys.claim("bob", "k", "other", "id-4"))
          .as("keys are per API key")
          .isEqualTo(new Claim.Fresh("id-4"));
    }
  }
}
