package dev.kino.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.kino.network.AddressPolicy;
import dev.kino.testing.Images;
import java.awt.image.BufferedImage;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fetching image inputs from a loopback server that stands in for a public image host (loopback is
 * on the allow-list here, as tests run with {@code --fetch-allow 127.0.0.1}).
 */
class ImageFetchTest {
  final ImageInputs images =
      new ImageInputs(
          InputFiles.fetchingOnly(new UrlFetcher(new AddressPolicy(List.of("127.0.0.1")))));

  @Test
  void a_png_is_fetched_and_decoded() throws Exception {
    try (Images host = Images.serve()) {
      String url = host.put("/a.png", Images.encode(Images.quadrants(64, 48), "png"));

      BufferedImage image = images.load("start_image_url", url);

      assertThat(image.getWidth()).isEqualTo(64);
      assertThat(image.getHeight()).isEqualTo(48);
    }
  }

  @Test
  void a_file_over_50_mb_is_refused_while_streaming() {
    try (Images host = Images.serve()) {
      String url = host.put("/huge.png", new byte[(int) ImageInputs.MAX_IMAGE_BYTES + 1]);

      assertThatThrownBy(() -> images.load("start_image_url", url))
          .isInstanceOfSatisfying(
              InputException.class, e -> assertThat(e.code()).isEqualTo("too_large"));
    }
  }

  @Test
  void a_small_png_claiming_a_huge_canvas_is_refused_before_decoding() throws Exception {
    Path bomb = Files.createTempFile("bomb-", ".png");
    Files.write(bomb, Images.pngHeaderOnly(60_000, 60_000));

    assertThatThrownBy(() -> ImageInputs.decode("start_image_url", "https://x/bomb.png", bomb))
        .isInstanceOfSatisfying(
            InputException.class,
            e -> {
              assertThat(e.code()).isEqualTo("too_large");
              assertThat(e.getMessage()).contains("60000x60000");
            });
  }

  @Test
  void a_redirect_to_a_forbidden_address_is_refused() throws Exception {
    HttpServer redirector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    redirector.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
          exchange.sendResponseHeaders(302, -1);
          exchange.close();
        });
    redirector.start();
    try {
      String url = "http://127.0.0.1:" + redirector.getAddress().getPort() + "/img.png";

      assertThatThrownBy(() -> images.load("start_image_url", url))
          .isInstanceOfSatisfying(
              InputException.class, e -> assertThat(e.code()).isEqualTo("url_forbidden"));
    } finally {
      redirector.stop(0);
    }
  }

  @Test
  void a_missing_file_is_a_fetch_failure_naming_the_status() {
    try (Images host = Images.serve()) {
      String url = host.put("/present.png", new byte[] {1}).replace("present", "absent");

      assertThatThrownBy(() -> images.load("start_image_url", url))
          .isInstanceOfSatisfying(
              InputException.class,
              e -> {
                assertThat(e.code()).isEqualTo("fetch_failed");
                assertThat(e.getMessage()).contains("404");
              });
    }
  }
}
