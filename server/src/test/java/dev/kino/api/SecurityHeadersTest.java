package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.SharedServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every answer, a success, a refusal or a file, says it is data and not a page. */
class SecurityHeadersTest {
  @RegisterExtension static final SharedServer SERVER = new SharedServer(1);

  @Test
  void api_answers_and_refusals_carry_the_security_headers() {
    Api api = SERVER.api();
    for (Api.Answer answer :
        new Api.Answer[] {
          new Api(api.base(), null).get("/healthz"),
          api.get("/v1/models"),
          new Api(api.base(), null).get("/v1/models"),
          api.get("/no/such/route"),
          api.submit("kling/kling-3.0/standard/text-to-video", "{}")
        }) {
      assertSecure(answer.raw());
    }
  }

  @Test
  void stored_files_carry_them_too() {
    Api api = SERVER.api();
    String id =
        api.submitOk(
            "kling/kling-3.0/standard/text-to-video",
            "{\"prompt\": \"p\", \"duration\": 3, \"aspect_ratio\": \"1:1\"}");
    api.awaitState(id, Duration.ofSeconds(60), "completed");
    String video = api.result(id).body().at("/output/video").asString();

    HttpResponse<byte[]> file = Api.download(video, null);

    assertThat(file.statusCode()).isEqualTo(200);
    assertSecure(file);
  }

  private static void assertSecure(HttpResponse<?> response) {
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    assertThat(response.headers().firstValue("Content-Security-Policy"))
        .contains("default-src 'none'; frame-ancestors 'none'");
  }
}
