package dev.kino.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Engine capacity the cluster shares, as rows of {@code engine_places} (PostgreSQL only): a place
 * is one unit of a ComfyUI server's room or of a provider account's tasks, held by one job under
 * that job's lease token and expiry. A place whose lease expired is free to take, so a node that
 * died frees its places by not renewing them. Every statement runs inside the job write that
 * claims, renews or ends the run, so a place never outlives or predates its lease.
 */
final class EnginePlaces {
  private static final String TAKE_IF_FREE =
      " ON CONFLICT (place) DO UPDATE SET job_id = excluded.job_id,"
          + " lease_token = excluded.lease_token,"
          + " lease_expires_at = excluded.lease_expires_at"
          + " WHERE engine_places.lease_expires_at < :now";

  private EnginePlaces() {}

  /**
   * At a claim: takes the first of {@code places} that is free or whose holder's lease has expired,
   * under the new lease; false when all are held.
   */
  static boolean take(
      Handle h, List<String> places, String jobId, String token, Instant now, Duration lease) {
    for (String place : places) {
      int taken =
          h.createUpdate(
                  "INSERT INTO engine_places (place, job_id, lease_token, lease_expires_at)"
                      + " VALUES (:place, :job, :token, :expires)"
                      + TAKE_IF_FREE)
              .bind("place", place)
              .bind("job", jobId)
              .bind("token", token)
              .bind("expires", now.plus(lease).toEpochMilli())
              .bind("now", now.toEpochMilli())
              .execute();
      if (taken == 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * After a claim (a route chosen): the running job's one place becomes the first free one of
   * {@code places}, with the lease the job holds now; false when all are held (it then holds none).
   */
  static boolean hold(Handle h, Lease lease, List<String> places, Instant now) {
    free(h, lease.token());
    for (String place : places) {
      int taken =
          h.createUpdate(
                  "INSERT INTO engine_places (place, job_id, lease_token, lease_expires_at)"
                      + " SELECT :place, id, lease_token, lease_expires_at FROM jobs"
                      + JobQueue.LEASED
                      + TAKE_IF_FREE)
              .bind("place", place)
              .bind("id", lease.jobId())
              .bind("token", lease.token())
              .bind("now", now.toEpochMilli())
              .execute();
      if (taken == 1) {
        return true;
      }
    }
    return false;
  }

  /** With each heartbeat: the places live as long as the lease. */
  static void renew(Handle h, String token, Instant expires) {
    h.createUpdate(
            "UPDATE engine_places SET lease_expires_at = :expires WHERE lease_token = :token")
        .bind("expires", expires.toEpochMilli())
        .bind("token", token)
        .execute();
  }

  /** When the run ends (or moves to another route's places). */
  static void free(Handle h, String token) {
    h.createUpdate("DELETE FROM engine_places WHERE lease_token = :token")
        .bind("token", token)
        .execute();
  }
}
