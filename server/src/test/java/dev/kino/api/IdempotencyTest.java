package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * {@code Idempotency-Key} on submit: a retried request gets its original answer and never a second
 * job.
 */
class IdempotencyTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String BODY = "{\"prompt\": \"p\", \"duration\": 3, \"aspect_ratio\": \"1:1\"}";

  @Test
  void the_same_key_and_body_give_the_original_answer() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      Api.Answer first = submit(api, "order-1", BODY);
      Api.Answer again =
          submit(
              api, "order-1", "{ \"aspect_ratio\": \"1:1\",\"duration\":3,   \"prompt\": \"p\" }");

      assertThat(first.status()).isEqualTo(200);
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.text("request_id")).isEqualTo(first.text("request_id"));
      assertThat(again.text("status_url")).isEqualTo(first.text("status_url"));
      assertThat(again.raw().headers().firstValue("Idempotent-Replayed")).hasValue("true");
      assertThat(api.get("/v1/requests").body().path("requests")).hasSize(1);
    }
  }

  @Test
  void the_same_key_with_another_body_is_refused_and_keys_belong_to_one_api_key() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      String original = submit(api, "order-2", BODY).text("request_id");

      Api.Answer other = submit(api, "order-2", "{\"prompt\": \"something else\"}");
      assertThat(other.status()).isEqualTo(422);
      assertThat(other.body().at("/detail/reason").asString()).isEqualTo("idempotency_key_reused");
      assertThat(other.body().at("/detail/errors/0/path").asString()).isEqualTo("Idempotency-Key");
      assertThat(other.raw().body()).contains(original);

      Api bob = server.apiForNewKey("bob");
      Api.Answer bobs = submit(bob, "order-2", BODY);
      assertThat(bobs.status()).isEqualTo(200);
      assertThat(bobs.text("request_id")).isNotEqualTo(original);
    }
  }

  @Test
  void a_refused_body_does_not_use_up_the_key_and_a_malformed_key_is_a_400() {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      assertThat(submit(api, "order-3", "{\"prompt\": \"p\", \"duration\": 99}").status())
          .isEqualTo(422);
      assertThat(submit(api, "order-3", BODY).status()).isEqualTo(200);

      Api.Answer bad = submit(api, "x".repeat(256), BODY);
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.body().at("/detail/reason").asString()).isEqualTo("invalid_idempotency_key");
    }
  }

  @Test
  void a_hundred_concurrent_submits_with_one_key_make_exactly_one_job() throws Exception {
    try (TestServer server = TestServer.start(0)) {
      Api api = server.api();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Api.Answer>> answers = new ArrayList<>();
      try (ExecutorService clients = Executors.newFixedThreadPool(100)) {
        for (int i = 0; i < 100; i++) {
          answers.add(
              clients.submit(
                  () -> {
                    go.await();
                    return submit(api, "burst", BODY);
                  }));
        }
        go.countDown();
      }

      Set<String> ids = new HashSet<>();
      int accepted = 0;
      for (Future<Api.Answer> f : answers) {
        Api.Answer a = f.get();
        assertThat(a.status()).as(a.raw().body()).isIn(200, 409);
        if (a.status() == 200) {
          accepted++;
          ids.add(a.text("request_id"));
        } else {
          assertThat(a.body().at("/detail/reason").asString()).isEqualTo("idempotency_in_progress");
        }
      }
      assertThat(accepted).isPositive();
      assertThat(ids).hasSize(1);
      assertThat(api.get("/v1/requests?limit=100").body().path("requests")).hasSize(1);
      assertThat(submit(api, "burst", BODY).text("request_id")).isEqualTo(ids.iterator().next());
    }
  }

  private static Api.Answer submit(Api api, String key, String body) {
    return api.postWithHeaders("/v1/models/" + STD, body, "Idempotency-Key", key);
  }
}
