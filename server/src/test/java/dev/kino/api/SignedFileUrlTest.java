package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.storage.UrlSigner;
import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Output files open without the Bearer header through signed, expiring URLs, and support Range
 * requests.
 */
class SignedFileUrlTest {
  static TestServer server;
  static String videoUrl;
  static byte[] whole;

  @BeforeAll
  static void renderOneVideo() {
    server = TestServer.start(1);
    Api api = server.api();
    String id =
        api.submitOk(
            "kling/kling-3.0/standard/text-to-video",
            "{\"prompt\": \"range me\", \"duration\": 3, \"aspect_ratio\": \"1:1\"}");
    videoUrl =
        api.awaitState(id, Duration.ofSeconds(120), "completed").at("/output/video").asString();
    whole = Api.download(videoUrl, null).body();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void the_signed_url_serves_the_whole_mp4_without_a_key() {
    HttpResponse<byte[]> response = Api.download(videoUrl, null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).contains("video/mp4");
    assertThat(response.headers().firstValue("Accept-Ranges")).contains("bytes");
    assertThat(response.headers().firstValueAsLong("Content-Length").getAsLong())
        .isEqualTo(whole.length);
    assertThat(new String(whole, 4, 4)).isEqualTo("ftyp");
  }

  @Test
  void a_range_request_gets_206_with_exactly_those_bytes() {
    HttpResponse<byte[]> response = Api.download(videoUrl, "bytes=100-1099");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.headers().firstValue("Content-Range"))
        .contains("bytes 100-1099/" + whole.length);
    assertThat(response.body()).isEqualTo(Arrays.copyOfRange(whole, 100, 1100));
  }

  @Test
  void an_open_ended_range_gets_the_rest_of_the_file() {
    HttpResponse<byte[]> response = Api.download(videoUrl, "bytes=" + (whole.length - 500) + "-");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body())
        .isEqualTo(Arrays.copyOfRange(whole, whole.length - 500, whole.length));
  }

  @Test
  void a_suffix_range_gets_the_last_bytes() {
    HttpResponse<byte[]> response = Api.download(videoUrl, "bytes=-100");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body())
        .isEqualTo(Arrays.copyOfRange(whole, whole.length - 100, whole.length));
  }

  @Test
  void a_range_past_the_end_is_a_416_that_gives_the_size() {
    HttpResponse<byte[]> response = Api.download(videoUrl, "bytes=" + whole.length + "-");

    assertThat(response.statusCode()).isEqualTo(416);
    assertThat(response.headers().firstValue("Content-Range")).contains("bytes */" + whole.length);
  }

  @Test
  void a_range_ending_past_the_end_is_cut_to_the_file() {
    HttpResponse<byte[]> response =
        Api.download(videoUrl, "bytes=" + (whole.length - 10) + "-" + (whole.length + 1000));

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).hasSize(10);
  }

  @Test
  void a_tampered_signature_is_a_403() {
    HttpResponse<byte[]> response =
        Api.download(videoUrl.replaceAll("signature=[^&]+", "signature=AAAA"), null);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(new String(response.body())).contains("403001");
  }

  @Test
  void a_url_signed_for_another_file_does_not_open_this_one() {
    String otherKey = videoUrl.replaceFirst("/video\\.mp4", "/poster.jpg");

    assertThat(Api.download(otherKey, null).statusCode()).isEqualTo(403);
  }

  @Test
  void an_expired_url_is_a_403_even_with_a_genuine_signature() {
    String key =
        videoUrl.substring(videoUrl.indexOf("/files/") + "/files/".length(), videoUrl.indexOf('?'));
    String query = UrlSigner.forDataDir(server.dataDir()).query(key, Instant.now().minusSeconds(5));
    String expired = videoUrl.substring(0, videoUrl.indexOf('?') + 1) + query;

    assertThat(Api.download(expired, null).statusCode()).isEqualTo(403);
  }

  @Test
  void a_url_signed_now_is_valid_until_its_expiry() {
    String key =
        videoUrl.substring(videoUrl.indexOf("/files/") + "/files/".length(), videoUrl.indexOf('?'));
    UrlSigner signer = UrlSigner.forDataDir(server.dataDir());
    String query = signer.query(key, Instant.now().plusSeconds(60));
    String[] parts = query.split("&");

    assertThat(signer.isValid(key, parts[0].substring(8), parts[1].substring(10), Instant.now()))
        .isTrue();
    assertThat(
            signer.isValid(
                key, parts[0].substring(8), parts[1].substring(10), Instant.now().plusSeconds(61)))
        .isFalse();
  }
}
