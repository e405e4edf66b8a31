package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.config.HttpSettings;
import dev.kino.testing.Api;
import dev.kino.testing.SharedServer;
import dev.kino.testing.TestServer;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Bodies a probe sent to break the server, through the real HTTP API: each is a 4xx naming the
 * field, never a 500, and no answer grows with the size of the mistake.
 */
class HostileInputTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String I2V = "kling/kling-3.0/standard/image-to-video";

  @RegisterExtension static final SharedServer SERVER = new SharedServer(0);

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"prompt\": \"p\", \"duration\": 1e308}                                  | duration | maximum",
        "{\"prompt\": \"p\", \"duration\": 1e19}                                   | duration | maximum",
        "{\"prompt\": \"p\", \"duration\": -1e19}                                  | duration | minimum",
        "{\"prompt\": \"p\", \"seed\": 1e308}                                      | seed     | maximum",
        "{\"prompt\": \"p\", \"multi_prompt\": [{\"prompt\": \"a\", \"duration\": 1e300}]} | multi_prompt[0].duration | maximum",
      })
  void a_number_too_large_for_any_limit_is_refused_for_its_field(
      String body, String path, String code) {
    Api.Answer answer = SERVER.api().submit(STD, body);

    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(422);
    assertThat(answer.body().at("/detail/errors/0/path").asString()).isEqualTo(path);
    assertThat(answer.body().at("/detail/errors/0/code").asString()).isEqualTo(code);
  }

  @Test
  void a_multi_prompt_segment_needs_a_prompt_that_is_not_empty() {
    Api.Answer missing = SERVER.api().submit(STD, "{\"prompt\": \"p\", \"multi_prompt\": [{}]}");
    Api.Answer empty =
        SERVER
            .api()
            .submit(
                STD,
                "{\"prompt\": \"p\", \"duration\": 5, \"multi_prompt\": [{\"prompt\": \"\", \"duration\": 5}]}");

    assertThat(missing.status()).isEqualTo(422);
    assertThat(missing.body().at("/detail/errors/0/path").asString())
        .isEqualTo("multi_prompt[0].prompt");
    assertThat(missing.body().at("/detail/errors/0/code").asString()).isEqualTo("required");
    assertThat(empty.status()).isEqualTo(422);
    assertThat(empty.body().at("/detail/errors/0/code").asString()).isEqualTo("minLength");
  }

  @Test
  void prompts_are_held_to_the_providers_limit_of_2500_characters() {
    String longest = "a".repeat(2500);
    String tooLong = "a".repeat(2501);

    assertThat(SERVER.api().submit(STD, "{\"prompt\": \"" + longest + "\"}").status())
        .isEqualTo(200);
    Api.Answer refused =
        SERVER
            .api()
            .submit(
                I2V,
                "{\"prompt\": \"p\", \"negative_prompt\": \""
                    + tooLong
                    + "\","
                    + " \"start_image_url\": \"https://images.example.com/a.png\"}");
    assertThat(refused.status()).isEqualTo(422);
    assertThat(refused.body().at("/detail/errors/0/path").asString()).isEqualTo("negative_prompt");
    assertThat(refused.body().at("/detail/errors/0/code").asString()).isEqualTo("maxLength");
  }

  @Test
  void many_mistakes_are_listed_fifty_at_most_and_counted() {
    String unknown =
        IntStream.range(0, 500)
            .mapToObj(i -> "\"field_" + i + "\": " + i)
            .collect(Collectors.joining(", "));

    Api.Answer answer = SERVER.api().submit(STD, "{\"prompt\": \"p\", " + unknown + "}");

    assertThat(answer.status()).isEqualTo(422);
    JsonNode detail = answer.body().path("detail");
    assertThat(detail.path("errors")).hasSize(50);
    assertThat(detail.path("errors_total").asInt()).isEqualTo(500);
    assertThat(answer.body().path("error_message").asString()).startsWith("500 invalid fields");
  }

  @Test
  void a_body_of_hundreds_of_thousands_of_fields_is_refused_before_the_schema_reads_it() {
    String unknown =
        IntStream.range(0, 200_000)
            .mapToObj(i -> "\"f" + i + "\":0")
            .collect(Collectors.joining(","));

    Api.Answer answer = SERVER.api().submit(STD, "{\"prompt\": \"p\", " + unknown + "}");

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.body().at("/detail/errors/0/code").asString()).isEqualTo("too_many_values");
    assertThat(answer.raw().body().length()).as("the answer stays small").isLessThan(2_000);
  }

  @Test
  void a_body_over_the_operators_limit_is_a_413_before_it_is_read() {
    try (TestServer server =
        TestServer.start(s -> s.withWorkers(0).withHttp(new HttpSettings(List.of(), 64_000)))) {
      String big = "{\"prompt\": \"p\", \"negative_prompt\": \"" + "a".repeat(70_000) + "\"}";

      Api.Answer answer = server.api().submit(STD, big);

      assertThat(answer.status()).isEqualTo(413);
      assertThat(answer.body().at("/detail/reason").asString()).isEqualTo("body_too_large");
      assertThat(answer.body().path("error_message").asString()).contains("64000 bytes");
    }
  }
}
