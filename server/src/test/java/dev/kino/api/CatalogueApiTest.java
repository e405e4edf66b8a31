package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.Api;
import dev.kino.testing.SharedServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * GET /v1/models with the seed's limit, offset, search and include_schema, and GET
 * /v1/models/{model_id}.
 */
class CatalogueApiTest {
  @RegisterExtension static final SharedServer SERVER = new SharedServer(0);

  @Test
  void the_catalogue_lists_the_three_seed_models_without_schemas_by_default() {
    JsonNode body = SERVER.api().get("/v1/models").body();

    assertThat(body.path("total").asInt()).isEqualTo(3);
    assertThat(body.path("models")).hasSize(3);
    assertThat(body.at("/models/0/id").asString()).isEqualTo("kling/kling-3.0/pro/text-to-video");
    assertThat(body.at("/models/0/input_schema").isMissingNode()).isTrue();
  }

  @Test
  void include_schema_adds_the_input_and_output_schemas() {
    JsonNode model = SERVER.api().get("/v1/models?include_schema=true").body().at("/models/0");

    assertThat(model.at("/input_schema/properties/prompt/type").asString()).isEqualTo("string");
    assertThat(model.at("/output_schema/output/properties/video/format").asString())
        .isEqualTo("uri");
  }

  @Test
  void limit_and_offset_page_through_the_catalogue() {
    JsonNode page = SERVER.api().get("/v1/models?limit=1&offset=1").body();

    assertThat(page.path("models")).hasSize(1);
    assertThat(page.at("/models/0/id").asString())
        .isEqualTo("kling/kling-3.0/standard/image-to-video");
    assertThat(page.path("total").asInt()).isEqualTo(3);
    assertThat(page.path("limit").asInt()).isEqualTo(1);
    assertThat(page.path("offset").asInt()).isEqualTo(1);
  }

  @Test
  void search_filters_by_text() {
    JsonNode found = SERVER.api().get("/v1/models?search=image").body();

    assertThat(found.path("total").asInt()).isEqualTo(1);
    assertThat(found.at("/models/0/kind").asString()).isEqualTo("image-to-video");
  }

  @Test
  void a_bad_limit_is_a_400_naming_the_parameter() {
    Api.Answer answer = SERVER.api().get("/v1/models?limit=zero");

    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body().at("/detail/errors/0/path").asString()).isEqualTo("limit");
  }

  @Test
  void one_model_is_served_with_its_schemas_under_its_slashed_id() {
    Api.Answer answer = SERVER.api().get("/v1/models/kling/kling-3.0/standard/image-to-video");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.text("id")).isEqualTo("kling/kling-3.0/standard/image-to-video");
    assertThat(answer.body().at("/input_schema/properties/generate_audio/type").asString())
        .isEqualTo("boolean");
    assertThat(answer.text("engine")).isEqualTo("sandbox");
  }

  @Test
  void an_unknown_model_is_a_404() {
    assertThat(SERVER.api().get("/v1/models/kling/nope").status()).isEqualTo(404);
  }
}
