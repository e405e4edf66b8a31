package dev.kino.jobs;

import static dev.kino.jobs.LastReport.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kino.database.Database;
import dev.kino.keys.KeyLimits;
import dev.kino.keys.KeySpec;
import dev.kino.keys.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The queue's guarantees, the same on every database Kino runs on (real ones: {@link
 * SqliteJobStoreTest}, {@link PostgresJobStoreTest}): FIFO claims within an owner and round-robin
 * between owners, each owner's limits (max_running at the claim, max_queued and submits per minute
 * at the submit, also under parallel submits), one owner per job, every write after a claim fenced
 * by the lease token, expired leases re-queued or failed after the last attempt. Time is passed in,
 * so no test sleeps.
 */
abstract class JobStoreContract {
  static final Instant T0 = Instant.parse("2026-11-21T12:00:00Z");
  static final Duration LEASE = Duration.ofSeconds(30);

  Database db;
  JobStore store;

  /** Opens this test's database: empty the first time, the same records after a close. */
  abstract Database openDatabase();

  @BeforeEach
  void open() {
    db = openDatabase();
    store = JobStore.on(db, new EventHub());
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void a_submitted_job_is_queued_with_its_input() {
    Job job = submit("first");

    Job stored = store.requests().find(job.id()).orElseThrow();
    assertThat(stored.state()).isEqualTo(JobState.IN_QUEUE);
    assertThat(stored.input().path("prompt").asString()).isEqualTo("first");
    assertThat(stored.attempt()).isZero();
    assertThat(stored.createdAt()).isEqualTo(T0);
  }

  @Test
  void claims_take_the_oldest_queued_job_first() {
    Job first = submit("first");
    Job second = submit("second");

    assertThat(claim().job().id()).isEqualTo(first.id());
    assertThat(claim().job().id()).isEqualTo(second.id());
    assertThat(store.queue().claim("w", T0, LEASE, Set.of())).isEmpty();
  }

  @Test
  void a_claim_starts_an_attempt_under_a_lease() {
    submit("p");

    ClaimedJob claimed = claim();

    assertThat(claimed.job().state()).isEqualTo(JobState.IN_PROGRESS);
    assertThat(claimed.job().attempt()).isEqualTo(1);
    assertThat(claimed.lease().attempt()).isEqualTo(1);
    assertThat(claimed.job().startedAt()).contains(T0);
  }

  @Test
  void concurrent_claims_never_hand_one_job_to_two_workers() throws Exception {
    for (int i = 0; i < 200; i++) {
      submit("job " + i);
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<List<String>>> workers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      String worker = "w" + w;
      workers.add(
          pool.submit(
              () -> {
                List<String> mine = new ArrayList<>();
                Optional<ClaimedJob> claimed;
                while ((claimed = store.queue().claim(worker, T0, LEASE, Set.of())).isPresent()) {
                  mine.add(claimed.get().job().id());
                }
                return mine;
              }));
    }
    Set<String> all = new HashSet<>();
    int total = 0;
    for (Future<List<String>> worker : workers) {
      List<String> ids = worker.get();
      total += ids.size();
      all.addAll(ids);
    }
    pool.shutdown();

    assertThat(total).isEqualTo(200);
    assertThat(all).hasSize(200);
  }

  @Test
  void queue_position_counts_the_queued_jobs_ahead() {
    Job first = submit("a");
    Job second = submit("b");
    Job third = submit("c");
    claim();

    assertThat(store.requests().queuePosition(store.requests().find(second.id()).orElseThrow()))
        .isZero();
    assertThat(store.requests().queuePosition(store.requests().find(third.id()).orElseThrow()))
        .isEqualTo(1);
    assertThat(first.id()).isNotNull();
  }

  @Test
  void completion_records_outputs_and_finishes_the_job() {
    submit("p");
    ClaimedJob claimed = claim();

    assertThat(
            store
                .queue()
                .complete(
                    claimed.lease(), completion("jobs/x/1/video.mp4"), T0.plusSeconds(5), NONE))
        .isTrue();

    Job done = store.requests().find(claimed.job().id()).orElseThrow();
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
    assertThat(done.output().orElseThrow().path("video").asString())
        .isEqualTo("jobs/x/1/video.mp4");
    assertThat(done.finishedAt()).contains(T0.plusSeconds(5));
    assertThat(done.progress()).contains(1.0);
  }

  @Test
  void a_worker_whose_lease_expired_can_write_nothing_after_another_worker_claimed_the_job() {
    submit("p");
    ClaimedJob stale = claim();
    assertThat(store.expired().reap(T0.plus(LEASE).plusSeconds(1))).isEqualTo(1);
    ClaimedJob fresh =
        store.queue().claim("w2", T0.plus(LEASE).plusSeconds(2), LEASE, Set.of()).orElseThrow();

    assertThat(store.queue().heartbeat(stale.lease(), T0.plusSeconds(40), LEASE, 0.5, List.of()))
        .isFalse();
    assertThat(store.queue().complete(stale.lease(), completion("stale"), T0.plusSeconds(40), NONE))
        .isFalse();
    assertThat(
            store.queue().fail(stale.lease(), new JobError("x", "stale"), T0.plusSeconds(40), NONE))
        .isFalse();
    assertThat(store.queue().release(stale.lease(), T0, NONE)).isFalse();

    assertThat(store.queue().complete(fresh.lease(), completion("fresh"), T0.plusSeconds(41), NONE))
        .isTrue();
    Job done = store.requests().find(fresh.job().id()).orElseThrow();
    assertThat(done.output().orElseThrow().path("video").asString()).isEqualTo("fresh");
    assertThat(done.attempt()).isEqualTo(2);
  }

  @Test
  void the_runs_last_report_is_written_with_its_outcome_before_the_status_event() {
    Job job = submit("p");
    ClaimedJob claimed = claim();
    store.queue().heartbeat(claimed.lease(), T0.plusSeconds(1), LEASE, 0.5, List.of("halfway"));

    store
        .queue()
        .complete(
            claimed.lease(),
            completion("v"),
            T0.plusSeconds(2),
            new LastReport(0.75, List.of("encoding", "done")));
    boolean lateWrite =
        store
            .queue()
            .fail(
                claimed.lease(),
                new JobError("x", "late"),
                T0.plusSeconds(3),
                new LastReport(0.9, List.of("too late")));

    assertThat(lateWrite).as("the lease ended with the outcome").isFalse();
    assertThat(store.log().events(job.id(), 0, 100))
        .extracting(
            e ->
                e.kind()
                    + " "
                    + (e.kind() == JobEvent.Kind.STATUS
                        ? e.data().path("status").asString()
                        : e.kind() == JobEvent.Kind.LOG
                            ? e.data().path("message").asString()
                            : e.data().path("progress").asString()))
        .containsExactly(
            "STATUS in_queue",
            "STATUS in_progress",
            "LOG halfway",
            "PROGRESS 0.5",
            "LOG encoding",
            "LOG done",
            "PROGRESS 0.75",
            "STATUS completed");
  }

  @Test
  void a_snoozed_job_waits_in_the_queue_until_its_time_and_keeps_its_attempts() {
    Job job = submit("p");
    ClaimedJob first = claim();

    assertThat(
            store
                .queue()
                .snooze(
                    first.lease(),
                    T0.plusSeconds(10),
                    T0.plusSeconds(1),
                    new LastReport(null, List.of("provider busy"))))
        .isTrue();

    Job queued = store.requests().find(job.id()).orElseThrow();
    assertThat(queued.state()).isEqualTo(JobState.IN_QUEUE);
    assertThat(queued.attempt()).as("a snooze uses no attempt").isZero();
    assertThat(store.queue().claim("w", T0.plusSeconds(9), LEASE, Set.of()))
        .as("not before its time")
        .isEmpty();
    ClaimedJob again = store.queue().claim("w", T0.plusSeconds(10), LEASE, Set.of()).orElseThrow();
    assertThat(again.job().attempt()).isEqualTo(1);
    assertThat(
            store
                .queue()
                .snooze(first.lease(), T0.plusSeconds(20), T0.plusSeconds(11), LastReport.NONE))
        .as("the old lease is gone")
        .isFalse();
  }

  @Test
  void every_change_is_an_event_in_commit_order_and_a_stale_worker_adds_none() {
    Job job = submit("p");
    ClaimedJob stale = claim();
    store.queue().heartbeat(stale.lease(), T0.plusSeconds(1), LEASE, 0.25, List.of("rendering"));
    store.expired().reap(T0.plus(LEASE).plusSeconds(5));
    ClaimedJob fresh =
        store.queue().claim("w2", T0.plus(LEASE).plusSeconds(6), LEASE, Set.of()).orElseThrow();
    store
        .queue()
        .heartbeat(
            stale.lease(),
            T0.plus(LEASE).plusSeconds(7),
            LEASE,
            0.9,
            List.of("from the stale worker"));
    store
        .queue()
        .heartbeat(
            fresh.lease(), T0.plus(LEASE).plusSeconds(7), LEASE, null, List.of("second try"));
    store
        .queue()
        .fail(
            fresh.lease(),
            new JobError("render_failed", "no"),
            T0.plus(LEASE).plusSeconds(8),
            NONE);

    List<JobEvent> events = store.log().events(job.id(), 0, 100);
    assertThat(events)
        .extracting(
            e ->
                e.kind()
                    + " "
                    + (e.kind() == JobEvent.Kind.STATUS
                        ? e.data().path("status").asString()
                            + "#"
                            + e.data().path("attempt").asInt()
                        : e.kind() == JobEvent.Kind.LOG
                            ? e.data().path("message").asString()
                            : e.data().path("progress").asString()))
        .containsExactly(
            "STATUS in_queue#0",
            "STATUS in_progress#1",
            "LOG rendering",
            "PROGRESS 0.25",
            "STATUS in_queue#1",
            "STATUS in_progress#2",
            "LOG second try",
            "STATUS failed#2");
    assertThat(events.getLast().data().path("error").path("code").asString())
        .isEqualTo("render_failed");
    assertThat(events.getLast().isFinal()).isTrue();
    assertThat(events).extracting(JobEvent::seq).isSorted();
    assertThat(store.log().events(job.id(), events.get(5).seq(), 100))
        .containsExactlyElementsOf(events.subList(6, 8));
    assertThat(store.log().recentLogs(job.id(), 1))
        .extracting(e -> e.data().path("message").asString())
        .containsExactly("second try");
  }

  @Test
  void the_hub_is_told_after_each_commit_for_the_job_that_changed() throws Exception {
    EventHub hub = new EventHub();
    JobStore told = JobStore.on(db, hub);
    Job job = told.requests().submit(NewJob.of("owner", "m", input("p"), 2), T0);
    try (EventHub.Watch watch = hub.watch(job.id())) {
      assertThat(watch.await(Duration.ofMillis(10))).as("nothing new yet").isFalse();
      told.requests().cancel(job.id(), T0.plusSeconds(1));
      assertThat(watch.await(Duration.ofSeconds(5))).isTrue();
    }
    assertThat(hub.watchedJobs()).isZero();
  }

  @Test
  void a_heartbeat_extends_the_lease_so_the_reaper_leaves_the_job_alone() {
    submit("p");
    ClaimedJob claimed = claim();

    assertThat(store.queue().heartbeat(claimed.lease(), T0.plusSeconds(25), LEASE, 0.4, List.of()))
        .isTrue();

    assertThat(store.expired().reap(T0.plusSeconds(40))).isZero();
    assertThat(store.requests().find(claimed.job().id()).orElseThrow().progress()).contains(0.4);
    assertThat(store.expired().reap(T0.plusSeconds(56))).isEqualTo(1);
  }

  @Test
  void an_expired_lease_on_the_last_attempt_fails_the_job() {
    Job job = store.requests().submit(NewJob.of("owner", "m", input("p"), 2), T0);
    claim();
    store.expired().reap(T0.plusSeconds(31));
    store.queue().claim("w", T0.plusSeconds(32), LEASE, Set.of()).orElseThrow();

    store.expired().reap(T0.plusSeconds(63));

    Job failed = store.requests().find(job.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.error().orElseThrow().code()).isEqualTo("lease_lost");
    assertThat(failed.finishedAt()).isPresent();
  }

  @Test
  void recovery_after_a_crash_requeues_every_running_job_at_once() {
    submit("a");
    submit("b");
    claim();
    claim();

    assertThat(store.expired().recoverAbandoned(T0.plusSeconds(1))).isEqualTo(2);

    assertThat(store.queue().claim("w", T0.plusSeconds(2), LEASE, Set.of())).isPresent();
  }

  @Test
  void release_gives_the_job_back_without_spending_an_attempt() {
    Job job = submit("p");
    store.queue().release(claim().lease(), T0, NONE);

    Job back = store.requests().find(job.id()).orElseThrow();
    assertThat(back.state()).isEqualTo(JobState.IN_QUEUE);
    assertThat(back.attempt()).isZero();
  }

  @Test
  void only_a_queued_job_can_be_cancelled() {
    Job queued = submit("a");
    Job running = submit("b");
    store.requests().cancel(queued.id(), T0); // out of the way, so the claim below takes "b"
    ClaimedJob claimed = claim();

    assertThat(store.requests().find(queued.id()).orElseThrow().state())
        .isEqualTo(JobState.CANCELLED);
    assertThat(store.requests().cancel(queued.id(), T0)).isEqualTo(CancelOutcome.NOT_CANCELLABLE);
    assertThat(store.requests().cancel(running.id(), T0)).isEqualTo(CancelOutcome.NOT_CANCELLABLE);
    store.queue().complete(claimed.lease(), completion("v"), T0, NONE);
    assertThat(store.requests().cancel(running.id(), T0)).isEqualTo(CancelOutcome.NOT_CANCELLABLE);
    assertThat(store.requests().find(running.id()).orElseThrow().state())
        .isEqualTo(JobState.COMPLETED);
  }

  @Test
  void the_database_itself_refuses_a_completed_job_without_output() {
    Job job = submit("p");

    assertThatThrownBy(
            () ->
                db.writes()
                    .useHandle(
                        h ->
                            h.execute(
                                "UPDATE jobs SET status = 'completed', finished_at = 1 WHERE id = ?",
                                job.id())))
        .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("check"));
  }

  @Test
  void jobs_survive_closing_and_reopening_the_database() {
    Job job = submit("durable");
    db.close();

    db = openDatabase();
    store = JobStore.on(db, new EventHub());

    assertThat(store.requests().find(job.id()).orElseThrow().input().path("prompt").asString())
        .isEqualTo("durable");
  }

  @Test
  void a_retry_counts_the_attempt_and_queues_the_job_again_until_the_last_attempt_fails_it() {
    Job job = store.requests().submit(NewJob.of("owner", "m", input("p"), 2), T0);
    JobError serverDied = new JobError("server_lost", "the ComfyUI server went away");

    assertThat(store.queue().retry(claim().lease(), serverDied, T0.plusSeconds(1), NONE)).isTrue();
    Job again = store.requests().find(job.id()).orElseThrow();
    assertThat(again.state()).isEqualTo(JobState.IN_QUEUE);
    assertThat(again.attempt()).isEqualTo(1);
    assertThat(again.error()).isEmpty();

    ClaimedJob last = claim();
    assertThat(store.queue().retry(last.lease(), serverDied, T0.plusSeconds(2), NONE)).isTrue();
    Job failed = store.requests().find(job.id()).orElseThrow();
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.error().orElseThrow().code()).isEqualTo("server_lost");
    assertThat(failed.finishedAt()).contains(T0.plusSeconds(2));
    assertThat(store.queue().retry(last.lease(), serverDied, T0.plusSeconds(3), NONE))
        .as("the lease ended with the failure")
        .isFalse();
  }

  @Test
  void a_running_job_is_cancelled_once_its_worker_stopped_it() {
    Job job = submit("p");
    assertThat(store.requests().requestCancel(job.id(), T0))
        .as("a queued job is cancelled directly, not asked to stop")
        .isFalse();
    ClaimedJob claimed = claim();
    assertThat(store.queue().isCancelRequested(claimed.lease())).isFalse();

    assertThat(store.requests().requestCancel(job.id(), T0.plusSeconds(1))).isTrue();
    assertThat(store.requests().find(job.id()).orElseThrow().cancelRequested()).isTrue();
    assertThat(store.queue().isCancelRequested(claimed.lease())).isTrue();
    assertThat(store.queue().cancelRunning(claimed.lease(), T0.plusSeconds(2), NONE)).isTrue();

    Job cancelled = store.requests().find(job.id()).orElseThrow();
    assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
    assertThat(cancelled.cancelRequested()).as("the request is spent with the lease").isFalse();
    assertThat(cancelled.finishedAt()).contains(T0.plusSeconds(2));
    assertThat(store.log().events(job.id(), 0, 10).getLast().data().path("status").asString())
        .isEqualTo("cancelled");
    assertThat(store.requests().requestCancel(job.id(), T0.plusSeconds(3))).isFalse();
  }

  @Test
  void a_withdrawn_cancel_lets_the_job_run_on_and_a_stale_lease_cannot_withdraw() {
    Job job = submit("p");
    ClaimedJob claimed = claim();
    store.requests().requestCancel(job.id(), T0.plusSeconds(1));

    assertThat(store.queue().withdrawCancel(claimed.lease())).isTrue();

    assertThat(store.queue().isCancelRequested(claimed.lease())).isFalse();
    Job running = store.requests().find(job.id()).orElseThrow();
    assertThat(running.state()).isEqualTo(JobState.IN_PROGRESS);
    assertThat(running.cancelRequested()).isFalse();
    store.expired().reap(T0.plus(LEASE).plusSeconds(1));
    store.requests().requestCancel(job.id(), T0.plus(LEASE).plusSeconds(2)); // queued: no effect
    assertThat(store.queue().withdrawCancel(claimed.lease())).isFalse();
    assertThat(store.queue().isCancelRequested(claimed.lease())).isFalse();
  }

  @Test
  void a_checkpoint_is_kept_with_the_job_across_attempts_and_fenced_by_the_lease() {
    Job job = submit("p");
    ClaimedJob first = claim();
    ObjectNode state = JsonMapper.shared().createObjectNode().put("prompt_id", "abc");

    assertThat(store.queue().checkpoint(first.lease(), state)).isTrue();
    store.expired().reap(T0.plus(LEASE).plusSeconds(1));
    ClaimedJob second =
        store.queue().claim("w2", T0.plus(LEASE).plusSeconds(2), LEASE, Set.of()).orElseThrow();

    assertThat(second.job().engineState()).contains(state);
    ObjectNode stale = JsonMapper.shared().createObjectNode().put("prompt_id", "stale");
    assertThat(store.queue().checkpoint(first.lease(), stale)).isFalse();
    assertThat(store.requests().find(job.id()).orElseThrow().engineState()).contains(state);
  }

  @Test
  void deleted_outputs_are_recorded_once_and_only_for_a_finished_job() {
    Job job = submit("p");
    assertThat(store.requests().markOutputsDeleted(job.id(), T0)).as("queued").isFalse();
    store.queue().complete(claim().lease(), completion("v"), T0.plusSeconds(1), NONE);

    assertThat(store.requests().markOutputsDeleted(job.id(), T0.plusSeconds(2))).isTrue();
    assertThat(store.requests().markOutputsDeleted(job.id(), T0.plusSeconds(3))).isTrue();

    Job done = store.requests().find(job.id()).orElseThrow();
    assertThat(done.outputsDeletedAt()).as("the first time stays").contains(T0.plusSeconds(2));
    assertThat(done.state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void events_are_found_by_their_numbers_and_numbers_not_committed_are_left_out() {
    Job job = submit("p");
    store.requests().cancel(job.id(), T0.plusSeconds(1));
    List<JobEvent> all = store.log().eventsAfter(0, 100);
    long first = all.getFirst().seq();
    long last = all.getLast().seq();

    assertThat(store.log().eventsNumbered(List.of(last, first, last + 1000)))
        .extracting(JobEvent::seq)
        .containsExactly(first, last);
    assertThat(store.log().eventsNumbered(List.of())).isEmpty();
    assertThat(store.log().eventsAfter(first, 100)).extracting(JobEvent::seq).containsExactly(last);
  }

  @Test
  void a_claim_serves_the_owner_served_least_recently_and_each_owners_jobs_in_order() {
    List<String> a = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      a.add(submitAs("a", "a" + i).id());
    }
    List<String> b = List.of(submitAs("b", "b0").id(), submitAs("b", "b1").id());

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      order.add(claim().job().id());
    }

    assertThat(order)
        .as("b's jobs start after at most one of a's each, though a queued first")
        .containsExactly(
            a.get(0), b.get(0), a.get(1), b.get(1), a.get(2), a.get(3), a.get(4), a.get(5));
  }

  @Test
  void in_fifo_order_a_claim_takes_the_oldest_job_whoever_submitted_it() {
    store = JobStore.on(db, new EventHub(), OptionalInt.empty(), QueueOrder.FIFO);
    Job a0 = submitAs("a", "a0");
    Job a1 = submitAs("a", "a1");
    Job b0 = submitAs("b", "b0");

    assertThat(List.of(claim().job().id(), claim().job().id(), claim().job().id()))
        .containsExactly(a0.id(), a1.id(), b0.id());
  }

  @Test
  void a_key_at_its_max_running_keeps_its_jobs_queued_and_others_run() {
    KeyStore keys = new KeyStore(db);
    String limited = keyWith(keys, false, OptionalInt.of(1));
    Job first = submitAs(limited, "first");
    Job second = submitAs(limited, "second");
    Job other = submitAs("someone-else", "other");

    ClaimedJob running = claim();
    assertThat(running.job().id()).isEqualTo(first.id());
    assertThat(claim().job().id()).isEqualTo(other.id());
    assertThat(store.queue().claim("w", T0, LEASE, Set.of()))
        .as("its second job waits while the first runs")
        .isEmpty();
    assertThat(store.requests().find(second.id()).orElseThrow().state())
        .isEqualTo(JobState.IN_QUEUE);

    store.queue().complete(running.lease(), completion("done"), T0, NONE);
    assertThat(claim().job().id()).isEqualTo(second.id());
  }

  @Test
  void the_servers_default_max_running_holds_for_user_keys_without_their_own_not_for_admins() {
    store = JobStore.on(db, new EventHub(), OptionalInt.of(1), QueueOrder.FAIR);
    KeyStore keys = new KeyStore(db);
    String user = keyWith(keys, false, OptionalInt.empty());
    String admin = keyWith(keys, true, OptionalInt.empty());
    submitAs(user, "u1");
    submitAs(user, "u2");
    submitAs(admin, "x1");
    submitAs(admin, "x2");

    List<String> owners = new ArrayList<>();
    Optional<ClaimedJob> next;
    while ((next = store.queue().claim("w", T0, LEASE, Set.of())).isPresent()) {
      owners.add(next.get().job().owner());
    }

    assertThat(owners).containsExactlyInAnyOrder(user, admin, admin);
  }

  @Test
  void a_submit_past_max_queued_is_refused_with_nothing_queued() {
    SubmitLimits two = new SubmitLimits(OptionalInt.of(2), OptionalInt.empty());
    submitAs("k", "1", two, T0);
    submitAs("k", "2", two, T0);

    assertThatThrownBy(() -> submitAs("k", "3", two, T0))
        .isInstanceOfSatisfying(
            LimitReached.class,
            e -> {
              assertThat(e.limit()).isEqualTo("max_queued");
              assertThat(e.value()).isEqualTo(2);
            });
    assertThat(store.requests().load("k").queued()).isEqualTo(2);
    claim();
    submitAs("k", "3", two, T0);
    assertThat(store.requests().load("k")).isEqualTo(new JobRequests.OwnerLoad(2, 1));
  }

  @Test
  void submits_per_minute_is_a_bucket_refilled_evenly_with_the_wait_in_the_refusal() {
    SubmitLimits twoPerMinute = new SubmitLimits(OptionalInt.empty(), OptionalInt.of(2));
    submitAs("k", "1", twoPerMinute, T0);
    submitAs("k", "2", twoPerMinute, T0);

    assertThatThrownBy(() -> submitAs("k", "3", twoPerMinute, T0.plusSeconds(10)))
        .isInstanceOfSatisfying(
            LimitReached.class,
            e -> {
              assertThat(e.limit()).isEqualTo("submits_per_minute");
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(20));
            });
    submitAs("k", "3", twoPerMinute, T0.plusSeconds(30));
    assertThat(store.requests().load("k").queued()).isEqualTo(3);
  }

  @Test
  void parallel_submits_of_one_key_never_pass_its_max_queued_together() throws Exception {
    SubmitLimits five = new SubmitLimits(OptionalInt.of(5), OptionalInt.empty());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> tries = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        int n = i;
        tries.add(
            pool.submit(
                () -> {
                  try {
                    submitAs("k", "p" + n, five, T0);
                    return true;
                  } catch (LimitReached e) {
                    return false;
                  }
                }));
      }
      int accepted = 0;
      for (Future<Boolean> t : tries) {
        accepted += t.get() ? 1 : 0;
      }
      assertThat(accepted).isEqualTo(5);
      assertThat(store.requests().load("k").queued()).isEqualTo(5);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void usage_is_recorded_with_the_completion_and_reported_by_model_key_and_day() {
    ClaimedJob first = claimedFor("alice", "kling/kling-3.0/pro/text-to-video");
    ClaimedJob second = claimedFor("alice", "kling/kling-3.0/standard/text-to-video");
    ClaimedJob failed = claimedFor("bob", "kling/kling-3.0/pro/text-to-video");
    Instant end = T0.plusSeconds(10);
    ObjectNode output = JsonMapper.shared().createObjectNode().put("video", "v.mp4");
    ObjectNode metadata = JsonMapper.shared().createObjectNode();
    store
        .queue()
        .complete(first.lease(), new Completion(output, metadata, usage(5, "0.84")), end, NONE);
    store
        .queue()
        .complete(second.lease(), new Completion(output, metadata, usage(3, "0.252")), end, NONE);
    store.queue().fail(failed.lease(), new JobError("render_failed", "no"), end, NONE);

    List<UsageLedger.Row> byModel =
        store.usage().report(T0, T0.plusSeconds(60), UsageLedger.GroupBy.MODEL, Optional.empty());
    assertThat(byModel)
        .extracting(UsageLedger.Row::group, UsageLedger.Row::jobs, UsageLedger.Row::costUsd)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "kling/kling-3.0/pro/text-to-video", 2L, new java.math.BigDecimal("0.84")),
            org.assertj.core.groups.Tuple.tuple(
                "kling/kling-3.0/standard/text-to-video", 1L, new java.math.BigDecimal("0.252")));
    List<UsageLedger.Row> alice =
        store.usage().report(T0, T0.plusSeconds(60), UsageLedger.GroupBy.KEY, Optional.of("alice"));
    assertThat(alice).hasSize(1);
    assertThat(alice.getFirst().videoSeconds()).isEqualTo(8.0);
    assertThat(alice.getFirst().costUsd()).isEqualByComparingTo("1.092");
    List<UsageLedger.Row> bob =
        store.usage().report(T0, T0.plusSeconds(60), UsageLedger.GroupBy.DAY, Optional.of("bob"));
    assertThat(bob.getFirst().group()).isEqualTo("2026-11-21");
    assertThat(bob.getFirst().costUsd()).as("a failed job costs nothing").isEqualByComparingTo("0");
    assertThat(
            store
                .usage()
                .report(
                    T0.plusSeconds(11),
                    T0.plusSeconds(60),
                    UsageLedger.GroupBy.MODEL,
                    Optional.empty()))
        .as("outside the range")
        .isEmpty();
  }

  private ClaimedJob claimedFor(String owner, String model) {
    store.requests().submit(NewJob.of(owner, model, input("p"), 3), T0);
    return store.queue().claim("w", T0, LEASE, Set.of(model)).orElseThrow();
  }

  private static String keyWith(KeyStore keys, boolean admin, OptionalInt maxRunning) {
    KeySpec spec =
        new KeySpec(
            Optional.of("k"),
            Optional.of(admin),
            Optional.of(new KeyLimits(maxRunning, OptionalInt.empty(), OptionalInt.empty())),
            Optional.empty(),
            Optional.empty());
    return keys.create(spec, T0).key().id();
  }

  private Job submitAs(String owner, String prompt) {
    return submitAs(owner, prompt, SubmitLimits.NONE, T0);
  }

  private Job submitAs(String owner, String prompt, SubmitLimits limits, Instant now) {
    return store
        .requests()
        .submit(
            NewJob.of(owner, "kling/kling-3.0/pro/text-to-video", input(prompt), 3), now, limits);
  }

  private Job submit(String prompt) {
    return store
        .requests()
        .submit(NewJob.of("owner", "kling/kling-3.0/pro/text-to-video", input(prompt), 3), T0);
  }

  private ClaimedJob claim() {
    return store.queue().claim("w", T0, LEASE, Set.of()).orElseThrow();
  }

  private static ObjectNode input(String prompt) {
    ObjectNode input = JsonMapper.shared().createObjectNode();
    input.put("prompt", prompt);
    return input;
  }

  private static Completion completion(String key) {
    ObjectNode output = JsonMapper.shared().createObjectNode();
    output.put("video", key);
    return new Completion(output, JsonMapper.shared().createObjectNode(), usage(5, null));
  }

  private static Usage usage(double seconds, String cost) {
    return new Usage(
        seconds, 1.5, Optional.ofNullable(cost).map(java.math.BigDecimal::new), Optional.empty());
  }
}
