package dev.kino.engines.comfyui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.models.ModelDefinitionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The shipped ComfyUI example definitions (Wan 2.2 TI2V 5B, LTX-2) load, validate against their
 * workflows, and turn requests into the right graphs; a definition that does not fit its workflow
 * is refused with the file, node and input named. (Running them needs GPUs and weights, which this
 * machine has not.)
 */
class ComfyWorkflowTest {
  static final Path EXAMPLES =
      Path.of(System.getProperty("user.dir")).resolve("../examples/comfyui/models").normalize();
  static final ModelCatalog CATALOG = ModelCatalog.load(Optional.of(EXAMPLES));

  @Test
  void wan_text_to_video_maps_duration_aspect_cfg_and_seed_onto_the_template() {
    ObjectNode graph =
        graph(
            "wan/wan-2.2/ti2v-5b/text-to-video",
            "{\"prompt\": \"a heron takes off\", \"duration\": 3, \"aspect_ratio\": \"9:16\", \"cfg_scale\": 0.7, \"seed\": 99}");

    assertThat(graph.at("/6/inputs/text").asString()).isEqualTo("a heron takes off");
    assertThat(graph.at("/55/inputs/length").asInt()).as("3 s x 24 fps = 72 -> 4k+1").isEqualTo(73);
    assertThat(graph.at("/55/inputs/width").asInt()).isEqualTo(704);
    assertThat(graph.at("/55/inputs/height").asInt()).isEqualTo(1280);
    assertThat(graph.at("/3/inputs/cfg").asDouble()).isEqualTo(7.0);
    assertThat(graph.at("/3/inputs/seed").asLong()).isEqualTo(99);
    assertThat(graph.at("/3/inputs/model").toString())
        .as("links untouched")
        .isEqualTo("[\"48\",0]");
    assertThat(graph.at("/58/class_type").asString()).isEqualTo("SaveVideo");
  }

  @Test
  void
      each_prompt_marks_its_output_nodes_so_comfyui_runs_them_again_and_names_files_after_the_job() {
    Model model = model("wan/wan-2.2/ti2v-5b/text-to-video");
    ObjectNode input = model.validate(JsonMapper.shared().readTree("{\"prompt\": \"p\"}"));
    ComfyWorkflow workflow = ComfyWorkflow.from(model.definition());

    ObjectNode first = workflow.graph(input, Map.of(), () -> 1, "job-1", "prompt-1");
    ObjectNode again = workflow.graph(input, Map.of(), () -> 1, "job-2", "prompt-2");

    assertThat(first.at("/58/inputs/kino_prompt_id").asString()).isEqualTo("prompt-1");
    assertThat(again.at("/58/inputs/kino_prompt_id").asString()).isEqualTo("prompt-2");
    assertThat(first.at("/58/inputs/filename_prefix").asString()).endsWith("-job-1");
    assertThat(again.at("/58/inputs/filename_prefix").asString()).endsWith("-job-2");
    assertThat(first.at("/3/inputs/kino_prompt_id").isMissingNode())
        .as("the sampler feeds the decoder: it stays cacheable")
        .isTrue();
    assertThat(first.at("/3").toString())
        .as("upstream of the outputs the two prompts are the same")
        .isEqualTo(again.at("/3").toString());
  }

  @Test
  void defaults_apply_and_the_seed_drawn_at_submit_is_the_one_used() {
    Model model = model("wan/wan-2.2/ti2v-5b/text-to-video");
    ObjectNode input = model.validate(JsonMapper.shared().readTree("{\"prompt\": \"p\"}"));
    ObjectNode graph =
        ComfyWorkflow.from(model.definition())
            .graph(input, Map.of(), () -> 4242, "job-1", "prompt-1");

    assertThat(graph.at("/55/inputs/length").asInt())
        .as("default 5 s -> 121 frames")
        .isEqualTo(121);
    assertThat(graph.at("/55/inputs/width").asInt()).isEqualTo(1280);
    assertThat(graph.at("/3/inputs/cfg").asDouble()).isEqualTo(5.0);
    assertThat(graph.at("/3/inputs/seed").asLong())
        .as("stored with the request, so a rerun is the same")
        .isEqualTo(input.path("seed").asLong());
    assertThat(graph.at("/7/inputs/text").asString())
        .as("the template's negative prompt stays")
        .contains("watermark");
  }

  @Test
  void wan_image_to_video_sets_load_image_to_the_uploaded_file() {
    Model model = model("wan/wan-2.2/ti2v-5b/image-to-video");
    ComfyWorkflow workflow = ComfyWorkflow.from(model.definition());
    ObjectNode input =
        model.validate(
            JsonMapper.shared()
                .readTree(
                    "{\"prompt\": \"p\", \"start_image_url\": \"https://example.com/a.png\"}"));

    ObjectNode graph =
        workflow.graph(
            input, Map.of("start_image_url", "kino-job-1-start.png"), () -> 1, "job-1", "prompt-1");

    assertThat(workflow.imageFields()).containsExactly("start_image_url");
    assertThat(graph.at("/56/class_type").asString()).isEqualTo("LoadImage");
    assertThat(graph.at("/56/inputs/image").asString()).isEqualTo("kino-job-1-start.png");
    assertThat(graph.at("/55/inputs/start_image").toString()).isEqualTo("[\"56\",0]");
  }

  @Test
  void ltx2_sets_video_and_audio_lengths_on_its_8k_plus_1_rule() {
    ObjectNode graph =
        graph(
            "lightricks/ltx-2/text-to-video",
            "{\"prompt\": \"rain on a tin roof, a dog barks\", \"duration\": 4, \"aspect_ratio\": \"1:1\", \"cfg_scale\": 0, \"seed\": 4242}");

    assertThat(graph.at("/7/inputs/length").asInt()).as("96 -> 97").isEqualTo(97);
    assertThat(graph.at("/8/inputs/frames_number").asInt()).isEqualTo(97);
    assertThat(graph.at("/7/inputs/width").asInt()).isEqualTo(960);
    assertThat(graph.at("/10/inputs/cfg").asDouble()).isEqualTo(1.0);
    assertThat(graph.at("/11/inputs/noise_seed").asLong()).isEqualTo(4242);
    assertThat(graph.at("/18/inputs/audio").toString()).isEqualTo("[\"17\",0]");
  }

  @Test
  void frame_rules_never_shorten_the_video() {
    assertThat(FrameRule.parse("4k+1").frames(5, 24)).isEqualTo(121);
    assertThat(FrameRule.parse("8k+1").frames(5, 24)).isEqualTo(121);
    assertThat(FrameRule.parse("8k+1").frames(2, 24)).isEqualTo(49);
    assertThat(FrameRule.parse("8k+1").frames(3, 25)).isEqualTo(81);
    assertThatThrownBy(() -> FrameRule.parse("every 4"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_binding_to_a_missing_input_stops_loading_naming_the_file_node_and_input(@TempDir Path dir)
      throws IOException {
    Path model = copyExample(dir, "wan/wan-2.2/ti2v-5b/text-to-video");
    Files.writeString(
        model, Files.readString(model).replace("\"input\": \"length\"", "\"input\": \"lenght\""));

    assertThatThrownBy(
            () ->
                ComfyWorkflow.from(
                    ModelCatalog.load(Optional.of(dir))
                        .find("wan/wan-2.2/ti2v-5b/text-to-video")
                        .orElseThrow()
                        .definition()))
        .isInstanceOf(ModelDefinitionException.class)
        .hasMessageContaining("wan2.2-ti2v-5b-t2v.workflow.json")
        .hasMessageContaining("node 55 (Wan22ImageToVideoLatent) has no input \"lenght\"")
        .hasMessageContaining("length");
  }

  @Test
  void other_mistakes_are_named_too(@TempDir Path dir) throws IOException {
    assertRefused(
        dir,
        "\"node\": \"6\", \"input\": \"text\"",
        "\"node\": \"66\", \"input\": \"text\"",
        "there is no node 66");
    assertRefused(
        dir,
        "\"node\": \"3\", \"input\": \"cfg\"",
        "\"node\": \"3\", \"input\": \"model\"",
        "input \"model\" is linked to another node");
    assertRefused(dir, "\"1:1\": {", "\"4:3\": {", "the table has no row for 1:1");
    assertRefused(
        dir,
        "\"field\": \"seed\"",
        "\"field\": \"sede\"",
        "\"sede\" is not a field of input_schema");
    assertRefused(dir, "\"rule\": \"4k+1\"", "\"rule\": \"four\"", "a frame rule looks like 4k+1");
  }

  private static void assertRefused(Path dir, String from, String to, String message)
      throws IOException {
    Path model = copyExample(dir, "wan/wan-2.2/ti2v-5b/text-to-video");
    String original = Files.readString(model);
    assertThat(original).contains(from);
    Files.writeString(model, original.replace(from, to));
    assertThatThrownBy(
            () ->
                ComfyWorkflow.from(
                    ModelCatalog.load(Optional.of(dir))
                        .find("wan/wan-2.2/ti2v-5b/text-to-video")
                        .orElseThrow()
                        .definition()))
        .isInstanceOf(ModelDefinitionException.class)
        .hasMessageContaining("text-to-video.json")
        .hasMessageContaining(message);
  }

  private static Path copyExample(Path dir, String id) throws IOException {
    Path source = EXAMPLES.resolve(id + ".json");
    Path target = dir.resolve(id + ".json");
    Files.createDirectories(target.getParent());
    try (var siblings = Files.list(source.getParent())) {
      for (Path file : siblings.filter(p -> p.toString().endsWith(".workflow.json")).toList()) {
        Files.copy(
            file,
            target.resolveSibling(file.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return target;
  }

  private static ObjectNode graph(String id, String body) {
    Model model = model(id);
    return ComfyWorkflow.from(model.definition())
        .graph(
            model.validate(JsonMapper.shared().readTree(body)),
            Map.of(),
            () -> 4242,
            "job-1",
            "prompt-1");
  }

  private static Model model(String id) {
    return CATALOG
        .find(id)
        .orElseThrow(() -> new AssertionError("example " + id + " did not load"));
  }
}
