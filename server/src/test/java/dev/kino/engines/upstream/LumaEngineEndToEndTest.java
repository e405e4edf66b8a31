package dev.kino.engines.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.FakeLuma;
import dev.kino.testing.FakeProvider;
import dev.kino.testing.Images;
import dev.kino.testing.TestServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Engine {@code luma} (Luma's Dream Machine API) against {@link FakeLuma}, serving the shipped
 * definitions of {@code examples/upstream/luma}: the provider contract, and every model to a stored
 * video.
 */
class LumaEngineEndToEndTest extends ShippedModelsContract {
  LumaEngineEndToEndTest() {
    super(
        new Shipped(
            "luma",
            FakeLuma::new,
            "upstream/luma",
            "/dream-machine/v1",
            "LUMAAI_API_KEY",
            "ray-2",
            "luma/ray-2/text-to-video",
            "frame0_image_url",
            true,
            false,
            ""));
  }

  @Override
  String fullRequest() {
    return """
        {"prompt": "rain on a window", "resolution": "1080p", "duration": "9s",
         "aspect_ratio": "9:16", "loop": true}""";
  }

  /** Luma fetches keyframes itself: a URL, here on loopback (Luma's fake does not fetch it). */
  @Override
  String firstFrame() {
    return IMAGES.put("/frame.png", Images.encode(Images.quadrants(320, 180), "png"));
  }

  static final Images IMAGES = Images.serve();

  @Override
  void assertMapped(FakeProvider fake, JsonNode received) {
    assertThat(fake.received().getFirst().path()).isEqualTo("/dream-machine/v1/generations/video");
    assertThat(received.path("model").asString()).isEqualTo("ray-2");
    assertThat(received.path("prompt").asString()).isEqualTo("rain on a window");
    assertThat(received.path("resolution").asString()).isEqualTo("1080p");
    assertThat(received.path("duration").asString()).isEqualTo("9s");
    assertThat(received.path("aspect_ratio").asString()).isEqualTo("9:16");
    assertThat(received.path("loop").asBoolean()).isTrue();
  }

  @Override
  void assertImageSent(FakeProvider fake) {
    assertThat(fake.bodies("POST", "/dream-machine/v1/generations/video"))
        .filteredOn(b -> b.has("keyframes"))
        .isNotEmpty()
        .allSatisfy(
            b -> {
              assertThat(b.at("/keyframes/frame0/type").asString()).isEqualTo("image");
              assertThat(b.at("/keyframes/frame0/url").asString()).endsWith("/frame.png");
            });
  }

  @Test
  void a_first_frame_given_inline_is_refused_at_submit_since_luma_fetches_it() {
    try (FakeProvider fake = fake(key());
        TestServer kino = kinoOn(fake, 1)) {
      Api.Answer refused =
          kino.api()
              .submit(
                  "luma/ray-2/image-to-video",
                  "{\"prompt\": \"p\", \"frame0_image_url\": \"" + PNG + "\"}");
      assertThat(refused.status()).isEqualTo(422);
      assertThat(refused.body().at("/detail/errors/0/path").asString())
          .isEqualTo("frame0_image_url");
      assertThat(refused.body().at("/detail/errors/0/code").asString()).isEqualTo("engine_limit");
    }
  }
}
