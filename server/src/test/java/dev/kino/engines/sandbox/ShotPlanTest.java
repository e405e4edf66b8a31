package dev.kino.engines.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the sandbox cuts a request into shots, and which camera move each shot gets. */
class ShotPlanTest {
  static final String SEED_PROMPT =
      "Cinematic multi-shot of a young American couple celebrating their anniversary at a candlelit terrace dinner in Tuscany at golden hour. "
          + "Wide establishing shot sweeps over rolling vineyard hills, cypress trees casting long shadows, then cuts to a slow dolly-in on a stone terrace where a woman laughs softly. "
          + "Cut to a tender close-up: their hands interlace across the table. "
          + "Cut to a profile two-shot as he leans in and whispers. "
          + "Final shot: a graceful crane pull-back revealing the terrace and the sun melting into the Tuscan horizon. "
          + "Distant church bells, light cricket ambience, soft acoustic guitar.";

  @Test
  void multi_prompt_segments_become_shots_cut_exactly_at_their_boundaries() {
    ShotPlan plan =
        ShotPlan.of(
            request(
                "customize",
                8,
                List.of(
                    new SandboxRequest.Segment("dawn, slow pan", 3),
                    new SandboxRequest.Segment("night, zoom in", 5))));

    assertThat(plan.mode()).isEqualTo("multi_prompt");
    assertThat(plan.shots()).extracting(Shot::startFrame).containsExactly(0, 72);
    assertThat(plan.shots()).extracting(Shot::frames).containsExactly(72, 120);
    assertThat(plan.shots())
        .extracting(Shot::move)
        .containsExactly(CameraMove.PAN_RIGHT, CameraMove.PUSH_IN);
  }

  @Test
  void a_segment_without_a_prompt_uses_the_main_prompt() {
    ShotPlan plan =
        ShotPlan.of(request("customize", 5, List.of(new SandboxRequest.Segment("", 5))));

    assertThat(plan.shots().getFirst().prompt()).isEqualTo(SEED_PROMPT);
  }

  @Test
  void customize_without_multi_prompt_is_one_shot() {
    ShotPlan plan = ShotPlan.of(request("customize", 5, List.of()));

    assertThat(plan.mode()).isEqualTo("single");
    assertThat(plan.shots()).hasSize(1);
    assertThat(plan.shots().getFirst().frames()).isEqualTo(120);
  }

  @Test
  void intelligent_splits_the_seed_prompt_at_its_cue_words() {
    ShotPlan plan = ShotPlan.of(request("intelligent", 10, List.of()));

    assertThat(plan.mode()).isEqualTo("intelligent");
    // The opening summary, then a sentence that names a shot, then each cut the prompt spells out.
    assertThat(plan.cues())
        .containsExactly(
            "wide establishing shot", "then cuts to", "cut to", "cut to", "final shot");
    assertThat(plan.shots()).hasSize(6);
    assertThat(plan.shots().get(0).prompt())
        .startsWith("Cinematic multi-shot")
        .endsWith("golden hour.");
    assertThat(plan.shots().get(1).prompt()).startsWith("Wide establishing shot sweeps");
    assertThat(plan.shots().get(2).prompt()).startsWith("a slow dolly-in");
    assertThat(plan.shots().get(5).prompt()).startsWith("a graceful crane pull-back");
    assertThat(plan.shots())
        .extracting(Shot::move)
        .containsExactly(
            CameraMove.STATIC,
            CameraMove.PAN_RIGHT,
            CameraMove.PUSH_IN,
            CameraMove.STATIC,
            CameraMove.STATIC,
            CameraMove.PULL_BACK);
    assertThat(plan.shots().stream().mapToInt(Shot::frames).sum()).isEqualTo(240);
    assertThat(plan.shots().getLast().startFrame() + plan.shots().getLast().frames())
        .isEqualTo(240);
  }

  @Test
  void intelligent_starts_a_shot_at_a_sentence_that_names_one() {
    ShotPlan plan =
        ShotPlan.of(
            request(
                "intelligent",
                6,
                List.of(),
                "A quiet harbour at dawn. Close-up of a fisherman's hands. Wide shot of the boats leaving."));

    assertThat(plan.shots())
        .extracting(Shot::prompt)
        .containsExactly(
            "A quiet harbour at dawn.",
            "Close-up of a fisherman's hands.",
            "Wide shot of the boats leaving.");
  }

  @Test
  void intelligent_gives_every_shot_at_least_a_second() {
    ShotPlan plan =
        ShotPlan.of(
            request("intelligent", 3, List.of(), "a. Cut to b. Cut to c. Cut to d. Cut to e."));

    assertThat(plan.shots()).hasSize(3);
    assertThat(plan.shots()).allSatisfy(s -> assertThat(s.frames()).isGreaterThanOrEqualTo(24));
    assertThat(plan.shots().getLast().prompt()).contains("c.").contains("e.");
  }

  @Test
  void intelligent_without_cues_is_one_shot() {
    ShotPlan plan = ShotPlan.of(request("intelligent", 5, List.of(), "A cat sleeps in the sun."));

    assertThat(plan.shots()).hasSize(1);
    assertThat(plan.cues()).isEmpty();
  }

  @Test
  void camera_words_choose_the_move_and_the_first_named_wins() {
    assertThat(CameraMove.detect("slow dolly-in on the terrace")).isEqualTo(CameraMove.PUSH_IN);
    assertThat(CameraMove.detect("the camera zooms in")).isEqualTo(CameraMove.PUSH_IN);
    assertThat(CameraMove.detect("a graceful crane pull-back")).isEqualTo(CameraMove.PULL_BACK);
    assertThat(CameraMove.detect("tracking shot along the river")).isEqualTo(CameraMove.PAN_RIGHT);
    assertThat(CameraMove.detect("pan left across the skyline")).isEqualTo(CameraMove.PAN_LEFT);
    assertThat(CameraMove.detect("tilt up to the sky")).isEqualTo(CameraMove.TILT_UP);
    assertThat(CameraMove.detect("an orbit around the statue")).isEqualTo(CameraMove.ORBIT);
    assertThat(CameraMove.detect("pan, then zoom in")).isEqualTo(CameraMove.PAN_RIGHT);
    assertThat(CameraMove.detect("a soundtrack of panoramas")).isEqualTo(CameraMove.STATIC);
  }

  @Test
  void every_move_starts_as_the_identity_so_frame_0_is_untouched() {
    for (CameraMove move : CameraMove.values()) {
      assertThat(move.at(0, 1280, 720).isIdentity()).as(move.name()).isTrue();
    }
    assertThat(CameraMove.PUSH_IN.at(1, 1280, 720).getScaleX()).isGreaterThan(1.0);
    assertThat(CameraMove.PULL_BACK.at(1, 1280, 720).getScaleX()).isLessThan(1.0);
    assertThat(CameraMove.PAN_RIGHT.at(1, 1280, 720).getTranslateX()).isNegative();
  }

  @Test
  void sound_words_choose_the_layers() {
    assertThat(SoundLayer.in(SEED_PROMPT))
        .containsExactly(SoundLayer.BELLS, SoundLayer.GUITAR, SoundLayer.CRICKETS);
    assertThat(SoundLayer.in("rain on the window, waves in the distance"))
        .containsExactly(SoundLayer.RAIN, SoundLayer.WAVES);
    assertThat(SoundLayer.in("a silent room")).isEmpty();
  }

  private static SandboxRequest request(
      String shotType, int duration, List<SandboxRequest.Segment> segments) {
    return request(shotType, duration, segments, SEED_PROMPT);
  }

  private static SandboxRequest request(
      String shotType, int duration, List<SandboxRequest.Segment> segments, String prompt) {
    return new SandboxRequest(
        "m",
        "standard",
        720,
        prompt,
        null,
        duration,
        "16:9",
        false,
        0.5,
        1,
        shotType,
        segments,
        null,
        List.of());
  }
}
