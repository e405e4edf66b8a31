package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kino.testing.Api;
import dev.kino.testing.SharedServer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every rule of the three seed schemas, checked through the real HTTP API: each refusal is a 422
 * with the seed-compatible error shape, naming the field and the rule; each default is applied as
 * the seeds give it. The server has no workers, so accepted jobs simply stay queued.
 */
class SeedSchemaValidationTest {
  static final String PRO = "kling/kling-3.0/pro/text-to-video";
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String I2V = "kling/kling-3.0/standard/image-to-video";
  static final String IMG = "\"start_image_url\": \"https://images.example.com/a.png\"";

  @RegisterExtension static final SharedServer SERVER = new SharedServer(0);

  static Stream<Arguments> invalidInputs() {
    List<Arguments> cases = new ArrayList<>();
    for (String t2v : List.of(PRO, STD)) {
      cases.add(arguments(t2v, "{}", "prompt", "required"));
      cases.add(arguments(t2v, "{\"prompt\": 42}", "prompt", "type"));
      cases.add(
          arguments(
              t2v, "{\"prompt\": \"p\", \"negative_prompt\": [\"x\"]}", "negative_prompt", "type"));
      cases.add(arguments(t2v, "{\"prompt\": \"p\", \"duration\": 2}", "duration", "minimum"));
      cases.add(arguments(t2v, "{\"prompt\": \"p\", \"duration\": 16}", "duration", "maximum"));
      cases.add(arguments(t2v, "{\"prompt\": \"p\", \"duration\": 5.5}", "duration", "type"));
      cases.add(arguments(t2v, "{\"prompt\": \"p\", \"duration\": \"5\"}", "duration", "type"));
      cases.add(
          arguments(t2v, "{\"prompt\": \"p\", \"aspect_ratio\": \"4:3\"}", "aspect_ratio", "enum"));
      cases.add(arguments(t2v, "{\"prompt\": \"p\", \"cfg_scale\": -0.1}", "cfg_scale", "minimum"));
      cases.add(arguments(t2v, "{\"prompt\": \"p\", \"cfg_scale\": 1.01}", "cfg_scale", "maximum"));
      cases.add(
          arguments(t2v, "{\"prompt\": \"p\", \"cfg_scale\": \"high\"}", "cfg_scale", "type"));
      cases.add(arguments(t2v, "{\"prompt\": \"p\", \"sound\": \"yes\"}", "sound", "type"));
      cases.add(
          arguments(
              t2v,
              "{\"prompt\": \"p\", \"generate_audio\": true}",
              "generate_audio",
              "unknown_field"));
      cases.add(
          arguments(t2v, "{\"prompt\": \"p\", \"shot_type\": \"auto\"}", "shot_type", "enum"));
      cases.add(
          arguments(t2v, "{\"prompt\": \"p\", \"multi_prompt\": \"one\"}", "multi_prompt", "type"));
      cases.add(
          arguments(
              t2v,
              "{\"prompt\": \"p\", \"duration\": 15, \"multi_prompt\": " + segments(21, 3) + "}",
              "multi_prompt",
              "maxItems"));
      cases.add(
          arguments(
              t2v,
              "{\"prompt\": \"p\", \"duration\": 5, \"multi_prompt\": [{\"prompt\": \"a\", \"duration\": 2}, {\"prompt\": \"b\", \"duration\": 3}]}",
              "multi_prompt[0].duration",
              "minimum"));
      cases.add(
          arguments(
              t2v,
              "{\"prompt\": \"p\", \"duration\": 15, \"multi_prompt\": [{\"prompt\": \"a\", \"duration\": 16}]}",
              "multi_prompt[0].duration",
              "maximum"));
      cases.add(
          arguments(
              t2v,
              "{\"prompt\": \"p\", \"multi_prompt\": [{\"prompt\": 7, \"duration\": 5}]}",
              "multi_prompt[0].prompt",
              "type"));
      cases.add(
          arguments(
              t2v,
              "{\"prompt\": \"p\", \"multi_prompt\": [{\"prompt\": \"a\", \"duration\": 5, \"camera\": \"pan\"}]}",
              "multi_prompt[0].camera",
              "unknown_field"));
      cases.add(
          arguments(
              t2v,
              "{\"prompt\": \"p\", \"duration\": 10, \"multi_prompt\": [{\"prompt\": \"a\", \"duration\": 3}, {\"prompt\": \"b\", \"duration\": 4}]}",
              "multi_prompt",
              "duration_mismatch"));
      cases.add(
          arguments(
              t2v,
              "{\"prompt\": \"p\", \"multi_prompt\": [{\"prompt\": \"a\", \"duration\": 3}, {\"prompt\": \"b\"}]}",
              "multi_prompt",
              "duration_mismatch"));
      cases.add(
          arguments(
              t2v,
              "{\"prompt\": \"p\", \"start_image_url\": \"https://x/a.png\"}",
              "start_image_url",
              "unknown_field"));
    }
    // seed is Kino's addition, on every model.
    for (String model : List.of(PRO, STD)) {
      cases.add(arguments(model, "{\"prompt\": \"p\", \"seed\": -1}", "seed", "minimum"));
      cases.add(arguments(model, "{\"prompt\": \"p\", \"seed\": 4294967296}", "seed", "maximum"));
      cases.add(arguments(model, "{\"prompt\": \"p\", \"seed\": \"42\"}", "seed", "type"));
    }
    cases.add(arguments(I2V, "{\"prompt\": \"p\", " + IMG + ", \"seed\": 1.5}", "seed", "type"));
    // Only the standard text-to-video page offers "intelligent"; pro accepts only "customize".
    cases.add(
        arguments(PRO, "{\"prompt\": \"p\", \"shot_type\": \"intelligent\"}", "shot_type", "enum"));

    cases.add(arguments(I2V, "{" + IMG + "}", "prompt", "required"));
    cases.add(arguments(I2V, "{\"prompt\": \"p\"}", "start_image_url", "required"));
    cases.add(
        arguments(I2V, "{\"prompt\": \"p\", \"start_image_url\": 5}", "start_image_url", "type"));
    cases.add(
        arguments(I2V, "{\"prompt\": \"p\", " + IMG + ", \"duration\": 2}", "duration", "minimum"));
    cases.add(
        arguments(
            I2V, "{\"prompt\": \"p\", " + IMG + ", \"duration\": 16}", "duration", "maximum"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", " + IMG + ", \"generate_audio\": 1}",
            "generate_audio",
            "type"));
    cases.add(
        arguments(
            I2V, "{\"prompt\": \"p\", " + IMG + ", \"sound\": true}", "sound", "unknown_field"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", " + IMG + ", \"aspect_ratio\": \"16:9\"}",
            "aspect_ratio",
            "unknown_field"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", " + IMG + ", \"shot_type\": \"intelligent\"}",
            "shot_type",
            "enum"));
    cases.add(
        arguments(
            I2V, "{\"prompt\": \"p\", " + IMG + ", \"cfg_scale\": 2}", "cfg_scale", "maximum"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", " + IMG + ", \"negative_prompt\": false}",
            "negative_prompt",
            "type"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", "
                + IMG
                + ", \"duration\": 15, \"multi_prompt\": "
                + segments(21, 3)
                + "}",
            "multi_prompt",
            "maxItems"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", "
                + IMG
                + ", \"multi_prompt\": [{\"prompt\": \"a\", \"duration\": 5}]}",
            "multi_prompt",
            "duration_mismatch"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", " + IMG + ", \"elements\": [{}, {}, {}, {}]}",
            "elements",
            "maxItems"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", " + IMG + ", \"elements\": [{\"frontal_image_url\": 3}]}",
            "elements[0].frontal_image_url",
            "type"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", "
                + IMG
                + ", \"elements\": [{\"reference_image_urls\": \"https://x/a.png\"}]}",
            "elements[0].reference_image_urls",
            "type"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", " + IMG + ", \"elements\": [{\"reference_image_urls\": [1]}]}",
            "elements[0].reference_image_urls[0]",
            "type"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", " + IMG + ", \"elements\": [{\"video_url\": []}]}",
            "elements[0].video_url",
            "type"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", " + IMG + ", \"elements\": [{\"face\": \"x\"}]}",
            "elements[0].face",
            "unknown_field"));
    // Input URLs that can never be fetched are refused at submit, with the field and the reason.
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", \"start_image_url\": \"ftp://images.example.com/a.png\"}",
            "start_image_url",
            "url_forbidden"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", \"start_image_url\": \"https://10.0.0.7/a.png\"}",
            "start_image_url",
            "url_forbidden"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", \"start_image_url\": \"https://169.254.169.254/latest\"}",
            "start_image_url",
            "url_forbidden"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", \"start_image_url\": \"http://images.example.com/a.png\"}",
            "start_image_url",
            "url_forbidden"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", \"start_image_url\": \"not a url\"}",
            "start_image_url",
            "invalid_url"));
    cases.add(
        arguments(
            I2V,
            "{\"prompt\": \"p\", "
                + IMG
                + ", \"elements\": [{\"reference_image_urls\": [\"https://[::1]/a.png\"]}]}",
            "elements[0].reference_image_urls[0]",
            "url_forbidden"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} -> {2} {3}")
  @MethodSource("invalidInputs")
  void invalid_input_is_refused_with_the_field_path_and_rule(
      String model, String body, String path, String code) {
    Api.Answer answer = SERVER.api().submit(model, body);

    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(422);
    assertThat(answer.body().path("error_code").asInt()).isEqualTo(422001);
    assertThat(answer.text("error_message")).isNotBlank();
    assertThat(answer.body().at("/detail/reason").asString()).isEqualTo("invalid_input");
    List<String> found = new ArrayList<>();
    for (JsonNode error : answer.body().at("/detail/errors")) {
      found.add(error.path("path").asString() + " " + error.path("code").asString());
      assertThat(error.path("message").asString()).isNotBlank();
    }
    assertThat(found).contains(path + " " + code);
  }

  @Test
  void every_problem_is_reported_not_just_the_first() {
    Api.Answer answer =
        SERVER
            .api()
            .submit(PRO, "{\"duration\": 99, \"aspect_ratio\": \"2:1\", \"sound\": \"loud\"}");

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.body().at("/detail/errors").size()).isEqualTo(4);
  }

  @Test
  void pro_text_to_video_applies_the_seed_defaults() {
    JsonNode input = appliedInput(PRO, "{\"prompt\": \"a lighthouse\"}");

    assertThat(input.path("duration").asInt()).isEqualTo(5);
    assertThat(input.path("aspect_ratio").asString()).isEqualTo("16:9");
    assertThat(input.path("cfg_scale").asDouble()).isEqualTo(0.5);
    assertThat(input.path("sound").asBoolean()).isTrue();
    assertThat(input.path("shot_type").asString()).isEqualTo("customize");
    assertThat(input.has("negative_prompt")).isFalse();
    assertThat(input.has("multi_prompt")).isFalse();
  }

  @Test
  void standard_text_to_video_defaults_to_the_intelligent_shot_type() {
    JsonNode input = appliedInput(STD, "{\"prompt\": \"a lighthouse\"}");

    assertThat(input.path("shot_type").asString()).isEqualTo("intelligent");
    assertThat(input.path("sound").asBoolean()).isTrue();
    assertThat(input.path("duration").asInt()).isEqualTo(5);
  }

  @Test
  void image_to_video_defaults_to_ten_seconds_with_generated_audio() {
    JsonNode input = appliedInput(I2V, "{\"prompt\": \"p\", " + IMG + "}");

    assertThat(input.path("duration").asInt()).isEqualTo(10);
    assertThat(input.path("generate_audio").asBoolean()).isTrue();
    assertThat(input.path("shot_type").asString()).isEqualTo("customize");
    assertThat(input.has("aspect_ratio")).isFalse();
    assertThat(input.has("sound")).isFalse();
  }

  @Test
  void multi_prompt_segments_get_their_default_duration_and_may_sum_to_duration() {
    JsonNode input =
        appliedInput(
            PRO,
            "{\"prompt\": \"p\", \"duration\": 8, \"multi_prompt\": [{\"prompt\": \"a\", \"duration\": 3}, {\"prompt\": \"b\"}]}");

    assertThat(input.at("/multi_prompt/1/duration").asInt()).isEqualTo(5);
  }

  @Test
  void a_missing_seed_is_chosen_at_submit_and_a_given_one_is_kept() {
    JsonNode chosen = appliedInput(STD, "{\"prompt\": \"p\"}");
    JsonNode given = appliedInput(I2V, "{\"prompt\": \"p\", " + IMG + ", \"seed\": 42}");

    assertThat(chosen.path("seed").isIntegralNumber()).isTrue();
    assertThat(chosen.path("seed").asLong()).isBetween(0L, 4_294_967_295L);
    assertThat(given.path("seed").asLong()).isEqualTo(42);
  }

  @Test
  void an_empty_multi_prompt_is_allowed() {
    appliedInput(STD, "{\"prompt\": \"p\", \"multi_prompt\": []}");
  }

  @Test
  void a_body_that_is_not_json_is_a_400_with_the_parser_message() {
    Api.Answer answer = SERVER.api().submit(PRO, "{\"prompt\": ");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().at("/detail/reason").asString()).isEqualTo("malformed_json");
  }

  @Test
  void an_empty_body_is_a_400() {
    Api.Answer answer = SERVER.api().submit(PRO, "");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().at("/detail/reason").asString()).isEqualTo("malformed_json");
  }

  @Test
  void a_body_that_is_not_an_object_is_a_422_on_the_body() {
    Api.Answer answer = SERVER.api().submit(PRO, "[1, 2]");

    assertThat(answer.status()).isEqualTo(422);
    assertThat(answer.body().at("/detail/errors/0/path").asString()).isEmpty();
  }

  @Test
  void a_non_json_content_type_is_a_415() {
    Api.Answer answer =
        SERVER.api().post("/v1/models/" + PRO, "multipart/form-data; boundary=x", "--x--");

    assertThat(answer.status()).isEqualTo(415);
    assertThat(answer.body().path("error_code").asInt()).isEqualTo(415001);
  }

  @Test
  void a_json_body_sent_without_a_json_content_type_is_still_accepted() {
    // curl -d without -H sends application/x-www-form-urlencoded; the body is still the JSON the
    // user meant.
    Api.Answer answer =
        SERVER
            .api()
            .post("/v1/models/" + PRO, "application/x-www-form-urlencoded", "{\"prompt\": \"p\"}");

    assertThat(answer.status()).isEqualTo(200);
  }

  @Test
  void an_oversized_body_is_a_413() {
    Api.Answer answer = SERVER.api().submit(PRO, "{\"prompt\": \"" + "x".repeat(8_100_000) + "\"}");

    assertThat(answer.status()).isEqualTo(413);
    assertThat(answer.body().path("error_code").asInt()).isEqualTo(413001);
  }

  @Test
  void an_unknown_model_is_a_404_that_points_to_the_catalogue() {
    Api.Answer answer =
        SERVER.api().submit("kling/kling-9.9/ultra/text-to-video", "{\"prompt\": \"p\"}");

    assertThat(answer.status()).isEqualTo(404);
    assertThat(answer.body().path("error_code").asInt()).isEqualTo(404001);
    assertThat(answer.text("error_message")).contains("GET /v1/models");
  }

  private static String segments(int count, int seconds) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      json.append(i == 0 ? "" : ", ")
          .append("{\"prompt\": \"s")
          .append(i)
          .append("\", \"duration\": ")
          .append(seconds)
          .append('}');
    }
    return json.append(']').toString();
  }

  private static JsonNode appliedInput(String model, String body) {
    String id = SERVER.api().submitOk(model, body);
    return SERVER.api().result(id).body().at("/metadata/input");
  }
}
