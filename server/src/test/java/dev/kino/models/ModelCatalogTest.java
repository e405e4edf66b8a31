package dev.kino.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * Loading model definitions: the three seed models, operators' extra files, and clear errors for
 * bad ones.
 */
class ModelCatalogTest {

  @Test
  void the_three_seed_models_are_built_in() {
    ModelCatalog catalog = ModelCatalog.load(Optional.empty());

    assertThat(catalog.all())
        .extracting(Model::id)
        .containsExactlyInAnyOrder(
            "kling/kling-3.0/pro/text-to-video",
            "kling/kling-3.0/standard/text-to-video",
            "kling/kling-3.0/standard/image-to-video");
  }

  @Test
  void seed_schemas_are_normalised_to_valid_json_schema_without_losing_their_differences() {
    ModelCatalog catalog = ModelCatalog.load(Optional.empty());
    JsonNode pro =
        catalog.find("kling/kling-3.0/pro/text-to-video").orElseThrow().definition().inputSchema();
    JsonNode i2v =
        catalog
            .find("kling/kling-3.0/standard/image-to-video")
            .orElseThrow()
            .definition()
            .inputSchema();
    JsonNode std =
        catalog
            .find("kling/kling-3.0/standard/text-to-video")
            .orElseThrow()
            .definition()
            .inputSchema();

    assertThat(pro.at("/properties/cfg_scale/type").asString()).isEqualTo("number");
    assertThat(pro.at("/properties/multi_prompt/items/type").asString()).isEqualTo("object");
    assertThat(pro.at("/properties/multi_prompt/items/properties/duration/maximum").asInt())
        .isEqualTo(15);
    assertThat(pro.at("/properties/multi_prompt/maxItems").asInt()).isEqualTo(20);
    assertThat(pro.at("/properties/shot_type/enum").toString()).isEqualTo("[\"customize\"]");
    assertThat(std.at("/properties/shot_type/enum").toString())
        .isEqualTo("[\"intelligent\",\"customize\"]");
    assertThat(std.at("/properties/shot_type/default").asString()).isEqualTo("intelligent");
    assertThat(i2v.at("/properties/generate_audio/default").asBoolean()).isTrue();
    assertThat(i2v.at("/properties/duration/default").asInt()).isEqualTo(10);
    assertThat(i2v.at("/properties/elements/maxItems").asInt()).isEqualTo(3);
    assertThat(i2v.at("/required").toString()).isEqualTo("[\"prompt\",\"start_image_url\"]");
    assertThat(i2v.at("/properties/aspect_ratio").isMissingNode()).isTrue();

    // Each normalised schema is itself valid against the 2020-12 meta-schema.
    var metaSchema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(
                com.networknt.schema.SchemaLocation.of(
                    SpecificationVersion.DRAFT_2020_12.getDialectId()));
    for (Model model : catalog.all()) {
      assertThat(metaSchema.validate(model.definition().inputSchema().toString(), InputFormat.JSON))
          .as(model.id())
          .isEmpty();
    }
  }

  @Test
  void a_definition_based_on_a_built_in_model_takes_its_schemas_and_keeps_what_it_says_itself()
      throws Exception {
    Path dir = Files.createTempDirectory("kino-models-");
    Files.createDirectories(dir.resolve("acme"));
    Files.writeString(
        dir.resolve("acme/pro-elsewhere.json"),
        """
        {"id": "acme/pro-elsewhere", "based_on": "kling/kling-3.0/pro/text-to-video", "title": "Pro, elsewhere",
         "engine": {"type": "sandbox", "settings": {"tier": "pro"}}}""");

    ModelDefinition d =
        ModelCatalog.load(Optional.of(dir)).find("acme/pro-elsewhere").orElseThrow().definition();

    ModelDefinition pro =
        ModelCatalog.load(Optional.empty())
            .find("kling/kling-3.0/pro/text-to-video")
            .orElseThrow()
            .definition();
    assertThat(d.title()).isEqualTo("Pro, elsewhere");
    assertThat(d.description()).isEqualTo(pro.description());
    assertThat(d.inputSchema()).isEqualTo(pro.inputSchema());
    assertThat(d.outputSchema()).isEqualTo(pro.outputSchema());
  }

  @Test
  void a_seed_video_model_requires_a_video_output_though_its_schema_wraps_the_output() {
    ModelDefinition t2v =
        ModelCatalog.load(Optional.empty())
            .find("kling/kling-3.0/standard/text-to-video")
            .orElseThrow()
            .definition();

    assertThat(t2v.outputSchema().has("output")).as("the seed's shape").isTrue();
    assertThat(t2v.requiredOutputs()).containsExactly("video");
  }

  @Test
  void a_definition_based_on_a_model_that_is_not_built_in_stops_start_up_naming_its_file()
      throws Exception {
    Path dir = Files.createTempDirectory("kino-models-");
    Files.createDirectories(dir.resolve("acme"));
    Files.writeString(
        dir.resolve("acme/typo.json"),
        """
        {"id": "acme/typo", "based_on": "kling/kling-3.0/pro/text-to-vidoe", "engine": {"type": "sandbox"}}""");

    assertThatThrownBy(() -> ModelCatalog.load(Optional.of(dir)))
        .isInstanceOf(ModelDefinitionException.class)
        .hasMessageContaining("acme/typo.json")
        .hasMessageContaining(
            "based_on names \"kling/kling-3.0/pro/text-to-vidoe\", which is not a built-in model");
  }

  @Test
  void an_operator_definition_adds_a_model_and_its_defaults_override_the_schema() throws Exception {
    Path dir = Files.createTempDirectory("kino-models-");
    write(
        dir,
        "acme/tiny-video",
        """
        {"id": "acme/tiny-video", "title": "Tiny", "engine": {"type": "sandbox", "settings": {"tier": "standard"}},
         "defaults": {"duration": 3},
         "input_schema": {"type": "object", "required": ["prompt"], "properties": {
           "prompt": {"type": "string"}, "duration": {"type": "int", "minimum": 3, "maximum": 6, "default": 5}}},
         "output_schema": {"output": {"type": "object"}}}
        """);

    ModelCatalog catalog = ModelCatalog.load(Optional.of(dir));
    Model tiny = catalog.find("acme/tiny-video").orElseThrow();

    assertThat(catalog.all()).hasSize(4);
    assertThat(
            tiny.validate(new tools.jackson.databind.ObjectMapper().readTree("{\"prompt\": \"p\"}"))
                .path("duration")
                .asInt())
        .isEqualTo(3);
  }

  @Test
  void a_definition_whose_path_does_not_mirror_its_id_stops_start_up_naming_the_file()
      throws Exception {
    Path dir = Files.createTempDirectory("kino-models-");
    write(
        dir,
        "acme/a",
        "{\"id\": \"acme/b\", \"title\": \"T\", \"engine\": {\"type\": \"sandbox\"}, \"input_schema\": {}, \"output_schema\": {}}");

    assertThatThrownBy(() -> ModelCatalog.load(Optional.of(dir)))
        .isInstanceOf(ModelDefinitionException.class)
        .hasMessageContaining("acme/a.json")
        .hasMessageContaining("path mirrors its id");
  }

  @Test
  void a_definition_missing_its_engine_or_schema_stops_start_up_with_the_field_named()
      throws Exception {
    Path dir = Files.createTempDirectory("kino-models-");
    write(
        dir,
        "acme/a",
        "{\"id\": \"acme/a\", \"title\": \"T\", \"input_schema\": {}, \"output_schema\": {}}");

    assertThatThrownBy(() -> ModelCatalog.load(Optional.of(dir)))
        .hasMessageContaining("acme/a.json")
        .hasMessageContaining("\"engine\"");
  }

  @Test
  void a_definition_that_is_not_json_stops_start_up_naming_the_file() throws Exception {
    Path dir = Files.createTempDirectory("kino-models-");
    write(dir, "acme/broken", "{ not json");

    assertThatThrownBy(() -> ModelCatalog.load(Optional.of(dir)))
        .hasMessageContaining("broken.json")
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void defaults_naming_a_field_the_schema_lacks_are_refused() throws Exception {
    Path dir = Files.createTempDirectory("kino-models-");
    write(
        dir,
        "acme/a",
        "{\"id\": \"acme/a\", \"title\": \"T\", \"engine\": {\"type\": \"sandbox\"}, \"defaults\": {\"fps\": 30}, \"input_schema\": {\"properties\": {}}, \"output_schema\": {}}");

    assertThatThrownBy(() -> ModelCatalog.load(Optional.of(dir))).hasMessageContaining("\"fps\"");
  }

  @Test
  void search_matches_id_title_and_description_ignoring_case() {
    ModelCatalog catalog = ModelCatalog.load(Optional.empty());

    assertThat(catalog.search("IMAGE", null, null))
        .extracting(Model::id)
        .containsExactly("kling/kling-3.0/standard/image-to-video");
    assertThat(catalog.search("", null, "text-to-video")).hasSize(2);
    assertThat(catalog.search("pro/", null, null)).hasSize(1);
  }

  @Test
  void a_definition_with_routes_keeps_them_in_order_with_its_policy_and_circuit() throws Exception {
    Path dir = Files.createTempDirectory("kino-models-");
    write(
        dir,
        "acme/routed",
        """
        {"id": "acme/routed", "based_on": "kling/kling-3.0/pro/text-to-video",
         "policy": "weighted", "circuit_breaker": {"failures": 5, "cooldown_seconds": 90},
         "routes": [
           {"name": "gpus", "engine": {"type": "sandbox"}, "weight": 3},
           {"engine": {"type": "noop"}, "pricing": {"per_second_usd": 0.5}}]}""");

    ModelDefinition routed =
        ModelCatalog.load(Optional.of(dir)).find("acme/routed").orElseThrow().definition();

    assertThat(routed.engine()).isEqualTo(ModelDefinition.ROUTED);
    assertThat(routed.routes()).extracting(Route::name).containsExactly("gpus", "noop");
    assertThat(routed.routes()).extracting(Route::weight).containsExactly(3, 1);
    assertThat(routed.policy())
        .isEqualTo(new RoutePolicy(RoutePolicy.Kind.WEIGHTED, 5, java.time.Duration.ofSeconds(90)));
    assertThat(routed.pricingOn(Optional.of("noop")).orElseThrow().perSecond())
        .isEqualByComparingTo("0.5");
    assertThat(routed.pricingOn(Optional.of("gpus")))
        .as("the model's own, from the built-in")
        .isEqualTo(routed.pricing());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"engine\": {\"type\": \"sandbox\"}, \"routes\": [{\"engine\": {\"type\": \"sandbox\"}}] | has both \"engine\" and \"routes\"",
        "\"routes\": [] | \"routes\" must be a non-empty array",
        "\"routes\": [{\"engine\": {\"type\": \"sandbox\"}}, {\"engine\": {\"type\": \"sandbox\"}}] | a second route named \"sandbox\"",
        "\"routes\": [{\"name\": \"Bad Name\", \"engine\": {\"type\": \"sandbox\"}}] | routes[0]: name \"Bad Name\"",
        "\"routes\": [{\"engine\": {\"type\": \"sandbox\"}, \"weight\": 0}] | routes[0]: weight must be a whole number >= 1",
        "\"policy\": \"cheapest\", \"routes\": [{\"engine\": {\"type\": \"sandbox\"}}] | policy must be \"fallback\" or \"weighted\"",
        "\"policy\": \"weighted\", \"routes\": [{\"engine\": {\"type\": \"sandbox\"}}] | policy \"weighted\" needs two routes or more",
        "\"circuit_breaker\": {\"failures\": 0}, \"routes\": [{\"engine\": {\"type\": \"sandbox\"}}] | circuit_breaker.failures and cooldown_seconds must be at least 1"
      })
  void a_definition_with_faulty_routes_stops_start_up_naming_the_fault(String fields, String fault)
      throws Exception {
    Path dir = Files.createTempDirectory("kino-models-");
    write(
        dir,
        "acme/routed",
        "{\"id\": \"acme/routed\", \"based_on\": \"kling/kling-3.0/pro/text-to-video\", "
            + fields
            + "}");

    assertThatThrownBy(() -> ModelCatalog.load(Optional.of(dir)))
        .isInstanceOf(ModelDefinitionException.class)
        .hasMessageContaining("acme/routed.json")
        .hasMessageContaining(fault);
  }

  private static void write(Path dir, String id, String json) throws Exception {
    Path file = dir.resolve(id + ".json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
  }
}
