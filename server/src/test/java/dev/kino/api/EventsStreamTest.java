package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.database.SqliteDatabase;
import dev.kino.keys.CreatedKey;
import dev.kino.keys.KeyStore;
import dev.kino.testing.Api;
import dev.kino.testing.EventStream;
import dev.kino.testing.EventStream.Event;
import dev.kino.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/requests/{id}/events}: every change of a request as Server-Sent Events, resumable.
 */
class EventsStreamTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String CLIP =
      "{\"prompt\": \"a lantern over water\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}";

  @Test
  void
      a_stream_sees_every_transition_in_order_with_progress_and_logs_and_ends_with_the_final_state() {
    try (TestServer server = TestServer.start(1)) {
      Api api = server.api();
      String id = api.submitOk(STD, CLIP);

      List<Event> events;
      try (EventStream stream = EventStream.open(eventsUrl(api, id), api.key(), null)) {
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.contentType()).startsWith("text/event-stream");
        events = stream.readToEnd();
      }

      List<String> statuses =
          events.stream().filter(e -> e.type().equals("status")).map(Event::status).toList();
      assertThat(statuses).containsExactly("in_queue", "in_progress", "completed");
      assertThat(events.getLast().type()).isEqualTo("status");
      assertThat(events.getLast().status()).isEqualTo("completed");
      assertThat(events).extracting(Event::id).isSorted().doesNotHaveDuplicates();
      assertThat(events)
          .allSatisfy(
              e -> {
                assertThat(e.data().path("request_id").asString()).isEqualTo(id);
                assertThat(e.data().path("timestamp").asString()).isNotBlank();
              });
      int started = indexOfStatus(events, "in_progress");
      int finished = indexOfStatus(events, "completed");
      List<Double> progress =
          between(events, started, finished, "progress").stream()
              .map(e -> e.data().path("progress").asDouble())
              .toList();
      assertThat(progress)
          .isNotEmpty()
          .isSorted()
          .allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
      assertThat(between(events, started, finished, "log"))
          .extracting(e -> e.data().path("message").asString())
          .anySatisfy(line -> assertThat(line).startsWith("plan: 1 shot"))
          .anySatisfy(line -> assertThat(line).startsWith("encoded 72 frames"));
      assertThat(events.get(started).data().path("attempt").asInt()).isEqualTo(1);
    }
  }

  @Test
  void last_event_id_resumes_after_that_event_and_a_reader_that_drops_mid_run_loses_nothing() {
    try (TestServer server = TestServer.start(1)) {
      Api api = server.api();
      String id = api.submitOk(STD, CLIP);
      String url = eventsUrl(api, id);

      List<Event> seen = new ArrayList<>();
      try (EventStream first = EventStream.open(url, api.key(), null)) {
        seen.add(first.next()); // in_queue
        seen.add(first.next()); // whatever came next; then the connection drops
      }
      try (EventStream resumed = EventStream.open(url, api.key(), seen.getLast().id())) {
        seen.addAll(resumed.readToEnd());
      }
      List<Event> replay;
      try (EventStream whole = EventStream.open(url, api.key(), null)) {
        replay = whole.readToEnd();
      }

      assertThat(seen).isEqualTo(replay);
      try (EventStream tail = EventStream.open(url, api.key(), replay.get(1).id())) {
        assertThat(tail.readToEnd()).isEqualTo(replay.subList(2, replay.size()));
      }
      try (EventStream after = EventStream.open(url, api.key(), replay.getLast().id())) {
        assertThat(after.readToEnd()).as("nothing follows the final event").isEmpty();
      }
    }
  }

  @Test
  void a_cancelled_queued_request_ends_its_open_stream_with_cancelled() throws Exception {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      String id = api.submitOk(STD, CLIP);
      try (EventStream stream = EventStream.open(eventsUrl(api, id), api.key(), null)) {
        assertThat(stream.next().status()).isEqualTo("in_queue");
        api.cancel(id);
        Event last = stream.next();
        assertThat(last.status()).isEqualTo("cancelled");
        assertThat(stream.next()).isNull();
      }
    }
  }

  @Test
  @Timeout(60) // a guard against a hang, not a speed check
  void stopping_the_server_is_not_held_up_by_open_streams_and_ends_them() {
    TestServer server = TestServer.start(0);
    Api api = server.api();
    String id = api.submitOk(STD, CLIP);
    try (EventStream stream = EventStream.open(eventsUrl(api, id), api.key(), null)) {
      Event first = stream.next();
      assertThat(first.status()).isEqualTo("in_queue");

      server.close();

      // Ended, cleanly or by the connection closing (EventSource reconnects either way), not left
      // hanging.
      Event after;
      try {
        after = stream.next();
      } catch (java.io.UncheckedIOException closed) {
        after = null;
      }
      assertThat(after).as("no final state: the job is still queued").isNull();
    }
  }

  @Test
  void the_events_url_in_status_opens_the_stream_without_the_bearer_header_and_nothing_else() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      String id = api.submitOk(STD, CLIP);
      String other = api.submitOk(STD, CLIP);
      String signed = api.status(id).text("events_url");
      assertThat(signed).contains("?token=");

      try (EventStream browser = EventStream.open(signed, null, null)) {
        assertThat(browser.status()).isEqualTo(200);
        assertThat(browser.header("Access-Control-Allow-Origin"))
            .as("a page on another origin may read it")
            .isEqualTo("*");
        assertThat(browser.next().status()).isEqualTo("in_queue");
      }
      String token = signed.substring(signed.indexOf("token=") + 6);
      char second = signed.charAt(signed.length() - 2);
      String tampered =
          signed.substring(0, signed.length() - 2)
              + (second == 'A' ? 'B' : 'A')
              + signed.charAt(signed.length() - 1);
      assertThat(status(EventStream.open(tampered, null, null))).isEqualTo(401);
      assertThat(
              status(
                  EventStream.open(
                      api.base() + "/v1/requests/" + other + "/events?token=" + token, null, null)))
          .isEqualTo(401);
      Api.Answer statusWithToken =
          new Api(api.base(), null).get("/v1/requests/" + id + "/status?token=" + token);
      assertThat(statusWithToken.status()).isEqualTo(401);
    }
  }

  @Test
  void an_events_token_stops_working_when_its_key_is_revoked() throws Exception {
    try (TestServer server = TestServer.start(0)) {
      CreatedKey key;
      try (SqliteDatabase db = SqliteDatabase.open(server.dataDir())) {
        key = new KeyStore(db).create("browser-app", false, Instant.now());
      }
      Api api = server.api(key.plaintext());
      String signed = api.status(api.submitOk(STD, CLIP)).text("events_url");
      assertThat(status(EventStream.open(signed, null, null))).isEqualTo(200);

      try (SqliteDatabase db = SqliteDatabase.open(server.dataDir())) {
        new KeyStore(db).revoke(key.key().id(), Instant.now());
      }

      assertThat(status(EventStream.open(signed, null, null)))
          .as("the token spoke for a key that is gone")
          .isEqualTo(401);
    }
  }

  @Test
  void another_key_cannot_follow_a_request_and_a_bad_last_event_id_is_a_400() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      String id = api.submitOk(STD, CLIP);
      Api bob = server.apiForNewKey("bob");

      assertThat(
              status(
                  EventStream.open(api.base() + "/v1/requests/" + id + "/events", bob.key(), null)))
          .isEqualTo(404);
      Api.Answer bad = api.get("/v1/requests/" + id + "/events?last_event_id=yesterday");
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body().at("/detail/errors/0/path").asString()).isEqualTo("Last-Event-ID");
    }
  }

  @Test
  void status_shows_timestamps_attempt_and_the_engines_log_lines() {
    try (TestServer server = TestServer.start(1)) {
      Api api = server.api();
      String id = api.submitOk(STD, CLIP);
      api.awaitState(id, Duration.ofSeconds(60), "completed");

      JsonNode status = api.status(id).body();
      assertThat(status.path("attempt").asInt()).isEqualTo(1);
      assertThat(status.path("started_at").asString()).isNotBlank();
      assertThat(status.path("finished_at").asString()).isNotBlank();
      assertThat(status.path("logs")).isNotEmpty();
      assertThat(status.path("logs").get(0).path("message").asString()).startsWith("plan: 1 shot");
      assertThat(status.path("logs").get(0).path("timestamp").asString()).isNotBlank();
    }
  }

  private static String eventsUrl(Api api, String id) {
    return api.base() + "/v1/requests/" + id + "/events";
  }

  private static int status(EventStream stream) {
    try (stream) {
      return stream.status();
    }
  }

  private static int indexOfStatus(List<Event> events, String status) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).type().equals("status") && events.get(i).status().equals(status)) {
        return i;
      }
    }
    throw new AssertionError("no " + status + " event in " + events);
  }

  private static List<Event> between(List<Event> events, int from, int to, String type) {
    return events.subList(from + 1, to).stream().filter(e -> e.type().equals(type)).toList();
  }
}
