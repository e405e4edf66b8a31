package dev.kino.engines.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a video is cut into shots, and why. {@code multi_prompt} segments are followed exactly, each
 * a shot of its own duration; otherwise {@code shot_type: intelligent} splits the prompt at its own
 * cue words ("cut to", "final shot", a sentence that opens with a shot name); otherwise the video
 * is one shot. Cuts fall on frame boundaries: the frames are shared out so the shots add up to the
 * duration exactly.
 *
 * @param mode {@code multi_prompt}, {@code intelligent} or {@code single}
 * @param cues the cue phrases an intelligent split cut at, in order
 */
record ShotPlan(List<Shot> shots, String mode, List<String> cues) {
  /** Cue phrases that end one shot; the text after them begins the next. */
  private static final Pattern CUT =
      Pattern.compile(
          "\\b(?:(?:then|and)\\s+)?(?:smash |jump |hard )?cuts?\\s+to\\b[:,]?|\\bfinal shot\\b[:,]?|\\bnext shot\\b[:,]?",
          Pattern.CASE_INSENSITIVE);

  /** Sentence openings that start a new shot by naming one. */
  private static final Pattern SHOT_OPENING =
      Pattern.compile(
          "^(?:wide|establishing|close[- ]up|extreme close[- ]up|medium|overhead|aerial|profile|over[- ]the[- ]shoulder)\\b[^.]*\\bshot\\b|^close[- ]up\\b",
          Pattern.CASE_INSENSITIVE);

  private static final int MIN_SHOT_FRAMES = SandboxEngine.FPS;

  static ShotPlan of(SandboxRequest request) {
    int totalFrames = request.durationSeconds() * SandboxEngine.FPS;
    if (!request.segments().isEmpty()) {
      List<Shot> shots = new ArrayList<>();
      int start = 0;
      for (SandboxRequest.Segment segment : request.segments()) {
        String text = segment.prompt().isBlank() ? request.prompt() : segment.prompt();
        int frames = segment.durationSeconds() * SandboxEngine.FPS;
        shots.add(new Shot(shots.size(), text, start, frames, CameraMove.detect(text)));
        start += frames;
      }
      return new ShotPlan(List.copyOf(shots), "multi_prompt", List.of());
    }
    if ("intelligent".equals(request.shotType())) {
      return intelligent(request.prompt(), totalFrames);
    }
    return new ShotPlan(
        List.of(new Shot(0, request.prompt(), 0, totalFrames, CameraMove.detect(request.prompt()))),
        "single",
        List.of());
  }

  private static ShotPlan intelligent(String prompt, int totalFrames) {
    List<String> parts = new ArrayList<>();
    List<String> cues = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String sentence : prompt.strip().split("(?<=[.!?])\\s+")) {
      if (!current.isEmpty() && SHOT_OPENING.matcher(sentence).find()) {
        cues.add(firstWords(sentence));
        parts.add(current.toString().strip());
        current.setLength(0);
      }
      Matcher cut = CUT.matcher(sentence);
      int from = 0;
      while (cut.find()) {
        current.append(' ').append(sentence, from, cut.start());
        if (!current.toString().isBlank()) {
          parts.add(current.toString().strip());
          cues.add(cut.group().replaceAll("[:,]$", "").strip().toLowerCase(Locale.ROOT));
        }
        current.setLength(0);
        from = cut.end();
      }
      current.append(' ').append(sentence.substring(from));
    }
    if (!current.toString().isBlank()) {
      parts.add(current.toString().strip());
    }
    // Every shot gets at least a second; extra parts join the last shot.
    int maxShots = Math.max(1, totalFrames / MIN_SHOT_FRAMES);
    while (parts.size() > maxShots) {
      parts.set(parts.size() - 2, parts.get(parts.size() - 2) + " " + parts.removeLast());
      cues.removeLast();
    }
    List<Shot> shots = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < parts.size(); i++) {
      int end = (int) ((long) totalFrames * (i + 1) / parts.size());
      shots.add(new Shot(i, parts.get(i), start, end - start, CameraMove.detect(parts.get(i))));
      start = end;
    }
    return new ShotPlan(List.copyOf(shots), "intelligent", List.copyOf(cues));
  }

  private static String firstWords(String sentence) {
    String[] words = sentence.strip().split("\\s+");
    return String.join(" ", java.util.Arrays.copyOf(words, Math.min(3, words.length)))
        .toLowerCase(Locale.ROOT)
        .replaceAll("[:,.]$", "");
  }
}
