package dev.kino.jobs;

import static dev.kino.jobs.JobRows.JOB_COLUMNS;
import static dev.kino.jobs.JobRows.JSON;
import static dev.kino.jobs.JobRows.args;

import dev.kino.database.Database;
import dev.kino.database.Outages;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import tools.jackson.databind.node.ObjectNode;

/**
 * The queue as workers see it: claims, and the writes a worker makes under its {@link Lease}. A
 * claim is one transaction: the owners with work, least recently served first, each skipped while
 * at its {@code max_running}; then one statement ({@code UPDATE ... RETURNING} of that owner's
 * oldest queued job; on PostgreSQL its row locked {@code FOR UPDATE SKIP LOCKED} in a CTE). Every
 * later write carries the lease token in its WHERE clause, so a worker that lost its lease changes
 * nothing and hears {@code false}. The transitions each write makes are listed on {@link JobState};
 * the only ones not fenced by a lease, the reaper's, are {@link ExpiredLeases}.
 */
public final class JobQueue {
  /** The lease-fenced condition of every write a worker makes after its claim. */
  static final String LEASED =
      " WHERE id = :id AND lease_token = :token AND status = 'in_progress'";

  private final Database db;
  private final EventHub hub;
  private final StateChanges changes;
  private final OptionalInt userMaxRunning;
  private final QueueOrder order;

  /**
   * {@code userMaxRunning}: the jobs in progress at once of a user key that sets no {@code
   * max_running} of its own; {@code order}: whose job goes first.
   */
  public JobQueue(Database db, EventHub hub, OptionalInt userMaxRunning, QueueOrder order) {
    this.db = db;
    this.hub = hub;
    this.changes = new StateChanges(db, hub);
    this.userMaxRunning = userMaxRunning;
    this.order = order;
  }

  /**
   * Takes the oldest queued job of one of these models (any model when empty) whose time has come,
   * if any, under a new lease.
   */
  public Optional<ClaimedJob> claim(
      String workerId, Instant now, Duration lease, Set<String> modelIds) {
    return claim(workerId, now, lease, modelIds, List.of());
  }

  /**
   * As {@link #claim(String, Instant, Duration, Set)}, and in the same transaction takes one of
   * {@code places} (engine capacity the cluster shares: a ComfyUI server's room, a provider
   * account's tasks) under the job's lease; when every one of them is held by a live job, nothing
   * is claimed. On SQLite, where one node counts its own places, {@code places} is not used.
   */
  public Optional<ClaimedJob> claim(
      String workerId, Instant now, Duration lease, Set<String> modelIds, List<String> places) {
    return claim(workerId, Clock.fixed(now, ZoneOffset.UTC), lease, modelIds, places);
  }

  /**
   * As {@link #claim(String, Instant, Duration, Set, List)}, with the job's start read from {@code
   * clock} once the claim holds the owner's count: a worker that waited for the writer while
   * another job of the same key ended then starts after that end, as it really did.
   */
  public Optional<ClaimedJob> claim(
      String workerId, Clock clock, Duration lease, Set<String> modelIds, List<String> places) {
    Instant now = clock.instant();
    List<String> scope = List.copyOf(modelIds);
    boolean shared = !places.isEmpty() && db.dialect() == Database.Dialect.POSTGRESQL;
    String where =
        " AND (run_after IS NULL OR run_after <= :now)"
            + (scope.isEmpty() ? "" : " AND model_id IN (<models>)");
    // A read first: a wake-up reaches every idle worker of every engine, and most find nothing for
    // them; they should not queue for the writer ahead of the worker that will claim the job.
    boolean any =
        db.reads()
            .withHandle(
                h -> {
                  var q =
                      h.createQuery(
                              "SELECT EXISTS (SELECT 1 FROM jobs WHERE status = 'in_queue'"
                                  + where
                                  + ")")
                          .bind("now", now.toEpochMilli());
                  if (!scope.isEmpty()) {
                    q.bindList("models", scope);
                  }
                  return q.mapTo(Boolean.class).one();
                });
    if (!any) {
      return Optional.empty();
    }
    String token = UUID.randomUUID().toString();
    Optional<ClaimedJob> claimed;
    try {
      claimed = claimIn(where, scope, token, workerId, clock, lease, shared, places);
    } catch (PlacesHeld held) {
      return Optional.empty(); // rolled back: the job stays queued for a worker with room
    }
    claimed.ifPresent(
        c -> {
          hub.committed(c.job().id(), false);
          hub.transitioned(Transition.of(c.job(), c.job().startedAt().orElse(now)));
        });
    return claimed;
  }

  /** Every place asked for is held by a live job elsewhere in the cluster. */
  private static final class PlacesHeld extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PlacesHeld() {
      super(null, null, false, false);
    }
  }

  private Optional<ClaimedJob> claimIn(
      String where,
      List<String> scope,
      String token,
      String workerId,
      Clock clock,
      Duration lease,
      boolean shared,
      List<String> places) {
    return db.writes()
        .inTransaction(
            h -> {
              for (Candidate owner : candidates(h, where, scope, clock.instant())) {
                OptionalInt limit = owner.maxRunning(userMaxRunning);
                if (limit.isPresent()) {
                  Owners.lock(h, db.dialect(), owner.id()); // its claims counted one at a time
                  if (Owners.count(h, owner.id(), JobState.IN_PROGRESS.wire())
                      >= limit.getAsInt()) {
                    continue; // at its max_running: its jobs wait, the next owner's run
                  }
                }
                Instant now = clock.instant(); // after the count: no end it saw is later
                var query =
                    h.createQuery(claimStatement(where + " AND owner = :owner"))
                        .bindMap(
                            args(
                                "token",
                                token,
                                "worker",
                                workerId,
                                "expires",
                                now.plus(lease).toEpochMilli(),
                                "now",
                                now.toEpochMilli(),
                                "owner",
                                owner.id()));
                if (!scope.isEmpty()) {
                  query.bindList("models", scope);
                }
                Optional<Job> job = query.map(JobRows::job).findOne();
                if (job.isEmpty()) {
                  continue; // taken meanwhile by another node's worker
                }
                if (shared && !EnginePlaces.take(h, places, job.get().id(), token, now, lease)) {
                  throw new PlacesHeld();
                }
                Job j = job.get();
                JobLog.appendStatus(h, j.id(), j.state().wire(), j.attempt(), null, now);
                return Optional.of(new ClaimedJob(j, new Lease(j.id(), token, j.attempt())));
              }
              return Optional.<ClaimedJob>empty();
            });
  }

  /** An owner with work for this claim, and the {@code max_running} of its key, if it has one. */
  private record Candidate(String id, Integer ownLimit, boolean userKey) {
    /** Its key's own limit, else for a user key the server's default, else none. */
    OptionalInt maxRunning(OptionalInt userDefault) {
      if (ownLimit != null) {
        return OptionalInt.of(ownLimit);
      }
      return userKey ? userDefault : OptionalInt.empty();
    }
  }

  /**
   * The owners with a queued job matching {@code where}, the one served least recently first (the
   * highest {@code claim_turn} of its jobs; never served comes first), so each owner's next job
   * starts after at most one job of each other owner with work: first-in first-out within an owner,
   * round-robin between owners.
   */
  private List<Candidate> candidates(Handle h, String where, List<String> scope, Instant now) {
    var query =
        h.createQuery(
                "SELECT o.owner, k.max_running, k.admin FROM job_owners o"
                    + " LEFT JOIN api_keys k ON k.id = o.owner"
                    + " WHERE EXISTS (SELECT 1 FROM jobs WHERE jobs.owner = o.owner"
                    + " AND status = 'in_queue'"
                    + where
                    + ") ORDER BY "
                    + switch (order) {
                      case FAIR ->
                          "coalesce((SELECT max(claim_turn) FROM jobs s WHERE s.owner = o.owner),"
                              + " 0), o.owner";
                      case FIFO ->
                          "(SELECT min(seq) FROM jobs WHERE jobs.owner = o.owner"
                              + " AND status = 'in_queue'"
                              + where
                              + ")";
                    })
            .bind("now", now.toEpochMilli());
    if (!scope.isEmpty()) {
      query.bindList("models", scope);
    }
    return query
        .map(
            (rs, ctx) -> {
              int limit = rs.getInt("max_running");
              Integer own = rs.wasNull() ? null : limit;
              int admin = rs.getInt("admin");
              boolean userKey = !rs.wasNull() && admin == 0;
              return new Candidate(rs.getString("owner"), own, userKey);
            })
        .list();
  }

  /**
   * The claim: the oldest queued job matching {@code where}. On PostgreSQL the candidate is locked
   * with SKIP LOCKED in a CTE, so workers of several nodes claiming at once take different jobs
   * instead of queueing behind one row; SQLite's single writer needs no lock.
   */
  private String claimStatement(String where) {
    // started_at never precedes created_at: the job may have been submitted on another node whose
    // clock is ahead of this one, or the claim given a time read before the submit committed.
    String set =
        "UPDATE jobs SET status = 'in_progress', attempt = attempt + 1, lease_token = :token,"
            + " lease_owner = :worker, lease_expires_at = :expires, started_at = "
            + db.dialect().larger(":now", "created_at")
            + ", progress = NULL, run_after = NULL,"
            + " claim_turn = (SELECT coalesce(max(claim_turn), 0) + 1 FROM jobs)";
    String oldest = " FROM jobs WHERE status = 'in_queue'" + where + " ORDER BY seq LIMIT 1";
    return switch (db.dialect()) {
      case SQLITE -> set + " WHERE seq = (SELECT seq" + oldest + ") RETURNING " + JOB_COLUMNS;
      case POSTGRESQL ->
          "WITH next AS (SELECT seq AS next_seq"
              + oldest
              + " FOR UPDATE SKIP LOCKED) "
              + set
              + " FROM next WHERE jobs.seq = next.next_seq RETURNING "
              + JOB_COLUMNS.replace("seq, id,", "jobs.seq, id,");
    };
  }

  /**
   * Extends the lease, records progress (0..1; null when unknown or unchanged since the last call:
   * each figure becomes an event) and appends the engine's new log lines. False: the lease is lost,
   * and nothing was written.
   */
  public boolean heartbeat(
      Lease lease, Instant now, Duration extension, Double progress, List<String> logs) {
    boolean alive =
        db.writes()
            .inTransaction(
                h -> {
                  int updated =
                      h.createUpdate(
                              "UPDATE jobs SET lease_expires_at = :expires,"
                                  + " progress = coalesce(:progress, progress)"
                                  + LEASED)
                          .bindMap(
                              leased(
                                  lease,
                                  "expires",
                                  now.plus(extension).toEpochMilli(),
                                  "progress",
                                  progress))
                          .execute();
                  if (updated != 1) {
                    return false;
                  }
                  if (db.dialect() == Database.Dialect.POSTGRESQL) {
                    // The job's place in the cluster lives as long as its lease.
                    EnginePlaces.renew(h, lease.token(), now.plus(extension));
                  }
                  JobLog.appendReport(h, lease.jobId(), new LastReport(progress, logs), now);
                  return true;
                });
    if (alive && (progress != null || !logs.isEmpty())) {
      hub.committed(lease.jobId(), false);
    }
    return alive;
  }

  /** Records the engine's state for this run before it acts on it. False: the lease is lost. */
  public boolean checkpoint(Lease lease, ObjectNode engineState) {
    return changes.quietly(
            "UPDATE jobs SET engine_state = :state" + LEASED,
            leased(lease, "state", JSON.writeValueAsString(engineState)))
        == 1;
  }

  /**
   * Binds the job this lease runs to one of its model's routes before the engine calls it. A move
   * to another route drops what the one before checkpointed (its task is not this route's to
   * resume); binding the same route again keeps it.
   */
  public boolean bindRoute(Lease lease, String route) {
    boolean bound =
        changes.quietly(
                "UPDATE jobs SET engine_state = CASE WHEN route = :route THEN engine_state END,"
                    + " route = :route"
                    + LEASED,
                leased(lease, "route", route))
            == 1;
    hub.committed(lease.jobId(), false); // a status answer kept in memory names the route now
    return bound;
  }

  /**
   * In a cluster, makes the job this lease runs hold one of {@code places} (a route's share of an
   * engine's capacity, taken after the claim when the route is chosen) and no other place, under
   * the job's lease: renewed by its heartbeat, freed when the run ends or the lease expires. False
   * when every one is held by a live lease. On SQLite a node counts its own places: always true.
   */
  public boolean holdPlace(Lease lease, List<String> places, Instant now) {
    if (places.isEmpty() || db.dialect() != Database.Dialect.POSTGRESQL) {
      return true;
    }
    return db.writes().inTransaction(h -> EnginePlaces.hold(h, lease, places, now));
  }

  /** Whether a cancel was asked for the job this lease runs. */
  public boolean isCancelRequested(Lease lease) {
    return changes.scalar(
        Boolean.class,
        "SELECT EXISTS (SELECT 1 FROM jobs WHERE id = :id AND lease_token = :token"
            + " AND cancel_requested_at IS NOT NULL)",
        leased(lease));
  }

  /**
   * Withdraws the cancel asked for the job this lease runs (its engine could not stop it); it runs
   * on.
   */
  public boolean withdrawCancel(Lease lease) {
    boolean withdrawn =
        changes.quietly("UPDATE jobs SET cancel_requested_at = NULL" + LEASED, leased(lease)) == 1;
    hub.committed(lease.jobId(), false); // a cancel call waiting for the job hears the answer now
    return withdrawn;
  }

  // The outcomes of a run: each writes only while the lease holds (false: lost, nothing written),
  // and writes the run's last report (see LastReport) in the same commit.

  public boolean complete(Lease lease, Completion completion, Instant now, LastReport last) {
    return endRun(
        lease,
        last,
        now,
        "status = 'completed', output = :output, metadata = :metadata, progress = 1,"
            + " finished_at = :now, usage_video_seconds = :video_seconds,"
            + " usage_run_seconds = :run_seconds, usage_cost_usd = :cost,"
            + " usage_provider_cost_usd = :provider_cost",
        "output",
        JSON.writeValueAsString(completion.output()),
        "metadata",
        JSON.writeValueAsString(completion.metadata()),
        "video_seconds",
        completion.usage().videoSeconds(),
        "run_seconds",
        completion.usage().runSeconds(),
        "cost",
        completion.usage().costUsd().map(java.math.BigDecimal::doubleValue).orElse(null),
        "provider_cost",
        completion.usage().providerCostUsd().map(java.math.BigDecimal::doubleValue).orElse(null));
  }

  public boolean fail(Lease lease, JobError error, Instant now, LastReport last) {
    return endRun(
        lease,
        last,
        now,
        "status = 'failed', error = :error, finished_at = :now",
        "error",
        error.toJson());
  }

  /**
   * Puts a job back in the queue after a failure that another attempt may not have (its server
   * died), counting the attempt; fails it with {@code error} when it was the last one.
   */
  public boolean retry(Lease lease, JobError error, Instant now, LastReport last) {
    return endRun(lease, last, now, StateChanges.REQUEUE_OR_FAIL, "error", error.toJson());
  }

  /**
   * Gives a job back to the queue without counting the attempt, to be claimed no sooner than {@code
   * until} (its provider was at its limit).
   */
  public boolean snooze(Lease lease, Instant until, Instant now, LastReport last) {
    return endRun(
        lease,
        last,
        now,
        "status = 'in_queue', attempt = attempt - 1, progress = NULL, started_at = NULL,"
            + " run_after = :until",
        "until",
        until.toEpochMilli());
  }

  /** Gives a job back to the queue without counting the attempt (orderly shutdown). */
  public boolean release(Lease lease, Instant now, LastReport last) {
    return endRun(
        lease,
        last,
        now,
        "status = 'in_queue', attempt = attempt - 1, progress = NULL, started_at = NULL");
  }

  /** Ends a running job as cancelled, after its worker stopped the run. */
  public boolean cancelRunning(Lease lease, Instant now, LastReport last) {
    return endRun(lease, last, now, "status = 'cancelled', finished_at = :now, progress = NULL");
  }

  /**
   * Ends the run this lease holds: {@code set} (with its named arguments, and {@code :now}) and the
   * lease given up, only while the lease holds; the run's last report and the status event in the
   * same commit. False: the lease was lost.
   */
  private boolean endRun(Lease lease, LastReport last, Instant now, String set, Object... more) {
    Map<String, Object> args = leased(lease, more);
    args.put("now", now.toEpochMilli());
    // The run is over (or was lost): its place in the cluster is free, in the same commit. A place
    // left behind by a node that died frees itself when the lease it carries expires.
    Consumer<Handle> freePlace =
        db.dialect() == Database.Dialect.POSTGRESQL
            ? h -> EnginePlaces.free(h, lease.token())
            : h -> {};
    return changes.apply(
            "UPDATE jobs SET " + set + "," + StateChanges.NO_LEASE + LEASED,
            args,
            last,
            now,
            freePlace)
        == 1;
  }

  /**
   * True when a call failed because the database could not be reached (worth trying again), not on
   * its own.
   */
  public static boolean isOutage(RuntimeException e) {
    return Outages.isOutage(e);
  }

  private static Map<String, Object> leased(Lease lease, Object... more) {
    Map<String, Object> args = args(more);
    args.put("id", lease.jobId());
    args.put("token", lease.token());
    return args;
  }
}
