package dev.kino.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kino.media.MediaProbe;
import dev.kino.testing.ForwardingProxy;
import dev.kino.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Java client against a real Kino server on loopback (and through a proxy where the network
 * misbehaves).
 */
class KinoClientTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final Map<String, Object> CLIP =
      Map.of("prompt", "a paper boat", "duration", 3, "aspect_ratio", "1:1", "sound", false);

  @Test
  void run_waits_for_the_result_and_download_saves_the_video(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(1);
        KinoClient kino = client(server.api().base())) {
      List<RequestEvent> events = new CopyOnWriteArrayList<>();
      RequestResult result =
          kino.run(
              STD,
              JsonMapper.shared().valueToTree(CLIP),
              SubmitOptions.none(),
              events::add,
              Optional.empty());

      assertThat(result.state()).isEqualTo(RequestState.COMPLETED);
      Path video = kino.download(result.outputs().video().orElseThrow(), dir.resolve("boat.mp4"));
      assertThat(MediaProbe.probe(video).width()).isEqualTo(720);
      assertThat(result.outputs().image()).isPresent();
      assertThat(events)
          .filteredOn(e -> e.type().equals("status"))
          .extracting(e -> e.state())
          .containsExactly(RequestState.IN_QUEUE, RequestState.IN_PROGRESS, RequestState.COMPLETED);
      assertThat(events).anySatisfy(e -> assertThat(e.type()).isEqualTo("progress"));
      assertThat(events)
          .anySatisfy(
              e ->
                  assertThat(e.message())
                      .hasValueSatisfying(m -> assertThat(m).startsWith("plan:")));
      assertThat(events.getLast().isFinal()).isTrue();
    }
  }

  @Test
  void errors_are_typed_with_the_apis_code_reason_and_field_paths() {
    try (TestServer server = TestServer.start(0);
        KinoClient kino = client(server.api().base())) {
      assertThatThrownBy(
              () -> kino.submit(STD, Map.of("prompt", "p", "duration", 99, "aspect_ratio", "4:3")))
          .isInstanceOfSatisfying(
              KinoApiException.class,
              e -> {
                assertThat(e.isInvalidInput()).isTrue();
                assertThat(e.errorCode()).isEqualTo(422001);
                assertThat(e.reason()).isEqualTo("invalid_input");
                assertThat(e.fieldErrors())
                    .extracting(FieldError::path)
                    .containsExactlyInAnyOrder("duration", "aspect_ratio");
              });
      assertThatThrownBy(() -> kino.status("00000000-0000-0000-0000-000000000000"))
          .isInstanceOfSatisfying(
              KinoApiException.class, e -> assertThat(e.reason()).isEqualTo("request_not_found"));
      try (KinoClient stranger =
          KinoClient.builder()
              .baseUrl(server.api().base())
              .apiKey("not-a-key-0123456789")
              .build()) {
        assertThatThrownBy(stranger::models)
            .isInstanceOfSatisfying(
                KinoApiException.class, e -> assertThat(e.isUnauthorized()).isTrue());
      }
    }
  }

  @Test
  void a_failed_request_throws_with_its_code_and_a_cancelled_one_says_so() {
    try (TestServer server = TestServer.start(1);
        KinoClient kino = client(server.api().base())) {
      assertThatThrownBy(
              () ->
                  kino.run(
                      "kling/kling-3.0/standard/image-to-video",
                      Map.of(
                          "prompt",
                          "p",
                          "duration",
                          3,
                          "start_image_url",
                          "http://127.0.0.1:1/missing.png")))
          .isInstanceOfSatisfying(
              RequestFailedException.class, e -> assertThat(e.code()).isEqualTo("fetch_failed"));
    }
    try (TestServer server = TestServer.start(0);
        KinoClient kino = client(server.api().base())) {
      Submission queued = kino.submit(STD, CLIP);
      try (Subscription following = kino.subscribe(queued.requestId(), e -> {})) {
        assertThat(kino.cancel(queued.requestId())).isTrue();
        assertThat(following.finalState())
            .succeedsWithin(Duration.ofSeconds(30))
            .isEqualTo(RequestState.CANCELLED);
      }
      assertThatThrownBy(() -> kino.await(queued.requestId(), e -> {}, Optional.empty()))
          .isInstanceOf(RequestCancelledException.class);
      assertThat(kino.cancel(queued.requestId())).isFalse();
    }
  }

  @Test
  void a_submit_whose_answer_was_lost_is_retried_without_making_a_second_request() {
    try (TestServer server = TestServer.start(0);
        ForwardingProxy proxy = new ForwardingProxy(server.api().base()).dropAnswers(1);
        KinoClient kino = client(proxy.url())) {
      Submission submission = kino.submit(STD, CLIP);

      List<String> submits =
          proxy.seen().stream().filter(s -> s.startsWith("POST /v1/models/")).toList();
      assertThat(submits).hasSize(2);
      assertThat(submits.get(0).substring(submits.get(0).lastIndexOf(' ')))
          .isEqualTo(submits.get(1).substring(submits.get(1).lastIndexOf(' ')));
      assertThat(kino.requests(null, null, 100, null).requests())
          .extracting(RequestStatus::requestId)
          .containsExactly(submission.requestId());
    }
  }

  @Test
  void a_503_with_retry_after_is_waited_out_and_retried() {
    try (TestServer server = TestServer.start(0);
        ForwardingProxy proxy = new ForwardingProxy(server.api().base()).unavailableFor(2);
        KinoClient kino = client(proxy.url())) {
      long start = System.nanoTime();
      List<ModelInfo> models = kino.models();

      assertThat(models).hasSize(3);
      assertThat(proxy.seen()).hasSize(3);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .as("two Retry-After: 1 waits")
          .isGreaterThanOrEqualTo(2000);
    }
    try (TestServer server = TestServer.start(0);
        ForwardingProxy proxy = new ForwardingProxy(server.api().base()).unavailableFor(10);
        KinoClient kino =
            KinoClient.builder()
                .baseUrl(proxy.url())
                .apiKey(TestServer.ADMIN_KEY)
                .maxRetries(1)
                .build()) {
      assertThatThrownBy(kino::models)
          .isInstanceOfSatisfying(
              KinoApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(503));
    }
  }

  @Test
  void against_a_server_without_an_events_stream_it_follows_by_polling() {
    try (TestServer server = TestServer.start(1);
        ForwardingProxy proxy = new ForwardingProxy(server.api().base()).seedOnly();
        KinoClient kino = client(proxy.url())) {
      List<RequestEvent> events = new CopyOnWriteArrayList<>();
      RequestResult result =
          kino.run(
              STD,
              JsonMapper.shared().valueToTree(CLIP),
              SubmitOptions.none(),
              events::add,
              Optional.empty());

      assertThat(result.state()).isEqualTo(RequestState.COMPLETED);
      assertThat(proxy.seen()).anySatisfy(s -> assertThat(s).contains("/events"));
      assertThat(proxy.seen()).filteredOn(s -> s.contains("/status")).isNotEmpty();
      assertThat(events.getLast().state()).isEqualTo(RequestState.COMPLETED);
      assertThat(events)
          .filteredOn(e -> e.type().equals("status"))
          .extracting(RequestEvent::state)
          .endsWith(RequestState.COMPLETED);
    }
  }

  @Test
  void the_key_and_url_come_from_the_environment_when_not_given() {
    assertThatThrownBy(() -> KinoClient.builder().apiKey(null).build())
        .isInstanceOf(KinoException.class)
        .hasMessageContaining("KINO_API_KEY");
    assertThatThrownBy(() -> KinoClient.builder().apiKey("k").baseUrl("ftp://x").build())
        .hasMessageContaining("http://");
  }

  private static KinoClient client(String url) {
    return KinoClient.builder().baseUrl(url).apiKey(TestServer.ADMIN_KEY).build();
  }
}
