package dev.kino.requests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kino.database.SqliteDatabase;
import dev.kino.idempotency.IdempotencyKeys;
import dev.kino.inputs.FetchLimits;
import dev.kino.inputs.InputFiles;
import dev.kino.inputs.UrlFetcher;
import dev.kino.jobs.EventHub;
import dev.kino.jobs.JobRequests;
import dev.kino.jobs.JobStore;
import dev.kino.models.InvalidInputException;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.network.AddressPolicy;
import dev.kino.network.HostResolver;
import dev.kino.storage.DiskSpace;
import dev.kino.testing.MutableClock;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Submit as a use case, on a real SQLite store, with a resolver that counts its lookups (standing
 * in for DNS): checks that need the network come after the ones that do not, and a replayed
 * Idempotency-Key pays none of them.
 */
class SubmissionsTest {
  static final String MODEL = "kling/kling-3.0/standard/text-to-video";
  @TempDir Path dataDir;
  final AtomicInteger lookups = new AtomicInteger();
  final MutableClock clock = new MutableClock();
  SqliteDatabase db;
  JobRequests jobs;
  Submissions submissions;
  Model model;
  int woken;

  @BeforeEach
  void open() throws Exception {
    db = SqliteDatabase.open(dataDir);
    jobs = JobStore.on(db, new EventHub()).requests();
    HostResolver counting =
        host -> {
          lookups.incrementAndGet();
          return List.of(InetAddress.getByName("93.184.216.34")); // a public address
        };
    InputFiles inputs =
        InputFiles.fetchingOnly(
            new UrlFetcher(new AddressPolicy(List.of()), counting, FetchLimits.DEFAULT));
    submissions =
        new Submissions(
            jobs,
            inputs,
            new IdempotencyKeys(db, clock),
            () -> woken++,
            DiskSpace.of(dataDir, 0, clock),
            clock,
            3);
    model = ModelCatalog.load(Optional.empty()).find(MODEL).orElseThrow();
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void a_replayed_key_answers_with_the_first_request_without_looking_any_host_up_again() {
    JsonNode body = body("{\"prompt\": \"p\", \"webhook_url\": \"https://hooks.example.com/k\"}");

    Submitted first = submissions.submit(request(body, Optional.of("key-1")));
    Submitted again = submissions.submit(request(body, Optional.of("key-1")));

    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.job().id()).isEqualTo(first.job().id());
    assertThat(lookups).as("the webhook host was resolved for the first submit only").hasValue(1);
    assertThat(woken).as("idle workers woken once, for the one job").isEqualTo(1);
  }

  @Test
  void a_body_the_schema_refuses_is_refused_before_any_host_is_looked_up() {
    JsonNode body =
        body(
            "{\"prompt\": \"p\", \"duration\": 99, \"webhook_url\": \"https://hooks.example.com\"}");

    assertThatThrownBy(() -> submissions.submit(request(body, Optional.empty())))
        .isInstanceOf(InvalidInputException.class);
    assertThat(lookups).hasValue(0);
  }

  @Test
  void a_refused_url_leaves_the_key_free_for_a_corrected_request() {
    JsonNode bad = body("{\"prompt\": \"p\", \"webhook_url\": \"http://127.0.0.1/hook\"}");
    assertThatThrownBy(() -> submissions.submit(request(bad, Optional.of("key-2"))))
        .isInstanceOf(InvalidInputException.class)
        .satisfies(
            e ->
                assertThat(((InvalidInputException) e).problems().getFirst().path())
                    .isEqualTo("webhook_url"));

    JsonNode good = body("{\"prompt\": \"p\"}");
    Submitted corrected = submissions.submit(request(good, Optional.of("key-2")));

    assertThat(corrected.replayed()).isFalse();
    assertThat(jobs.find(corrected.job().id())).isPresent();
  }

  @Test
  void the_same_key_with_another_body_is_a_conflict_naming_the_first_request() {
    Submitted first = submissions.submit(request(body("{\"prompt\": \"a\"}"), Optional.of("k")));

    assertThatThrownBy(
            () -> submissions.submit(request(body("{\"prompt\": \"b\"}"), Optional.of("k"))))
        .isInstanceOf(IdempotencyConflict.class)
        .satisfies(
            e -> assertThat(((IdempotencyConflict) e).requestId()).contains(first.job().id()));
  }

  private Submission request(JsonNode body, Optional<String> key) {
    return new Submission(
        model, body, "owner-1", dev.kino.jobs.SubmitLimits.NONE, key, "http://127.0.0.1:8080");
  }

  private static JsonNode body(String json) {
    return JsonMapper.shared().readTree(json);
  }
}
