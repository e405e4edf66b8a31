package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.config.DiskSettings;
import dev.kino.testing.Api;
import dev.kino.testing.Images;
import dev.kino.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * A node whose data directory's disk is under its minimum free space (here: a minimum no disk can
 * meet) refuses new work with a clear, retryable answer and tells its load balancer so.
 */
class DiskFullTest {

  @Test
  void submits_and_uploads_are_refused_with_507_storage_full_and_the_health_check_fails() {
    try (TestServer server =
        TestServer.start(
            s ->
                s.withWorkers(1)
                    .withDisk(
                        new DiskSettings(Long.MAX_VALUE, DiskSettings.DEFAULT_CACHE_MAX_BYTES)))) {
      Api api = server.api();

      Api.Answer submit =
          api.submit(
              "kling/kling-3.0/standard/text-to-video", "{\"prompt\": \"p\", \"duration\": 3}");
      Api.Answer upload =
          api.uploadRaw("?filename=a.png", Images.encode(Images.quadrants(32, 32), "png"));
      Api.Answer health = new Api(api.base(), null).get("/healthz");

      assertThat(submit.status()).isEqualTo(507);
      assertThat(submit.body().at("/detail/reason").asString()).isEqualTo("storage_full");
      assertThat(submit.raw().headers().firstValue("Retry-After")).contains("60");
      assertThat(upload.status()).isEqualTo(507);
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.body().path("reason").asString()).isEqualTo("storage_full");
      assertThat(api.get("/v1/requests").body().path("requests"))
          .as("nothing was stored")
          .isEmpty();
    }
  }
}
