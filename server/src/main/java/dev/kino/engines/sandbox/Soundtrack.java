package dev.kino.engines.sandbox;

import java.util.List;

/**
 * A stereo soundtrack derived from the shots' prompts: each shot holds a soft chord on its own base note (from
 * the prompt's hash) with a slow tremolo, and a short fade at each cut so shot changes are audible.
 */
final class Soundtrack {
  static final int SAMPLE_RATE = 48_000;
  private static final double FADE_SECONDS = 0.05;
  private final List<Shot> shots;
  private final List<Look> looks;
  private final int fps;

  Soundtrack(List<Shot> shots, List<Look> looks, int fps) {
    this.shots = shots;
    this.looks = looks;
    this.fps = fps;
  }

  /** The interleaved samples that play during one video frame. */
  short[] samplesForFrame(int frame, Shot shot) {
    int perFrame = SAMPLE_RATE / fps;
    short[] out = new short[perFrame * 2];
    Look look = looks.get(shot.index());
    double shotStart = (double) shot.startFrame() / fps;
    double shotEnd = (double) (shot.startFrame() + shot.frames()) / fps;
    for (int i = 0; i < perFrame; i++) {
      double t = (double) (frame * perFrame + i) / SAMPLE_RATE;
      double f = look.baseFrequency();
      double tone =
          0.5 * Math.sin(2 * Math.PI * f * t)
              + 0.3 * Math.sin(2 * Math.PI * f * 1.5 * t)
              + 0.2 * Math.sin(2 * Math.PI * f * 2.0 * t);
      double tremolo = 0.75 + 0.25 * Math.sin(2 * Math.PI * look.speed() * t);
      double fade = Math.min(1.0, Math.min(t - shotStart, shotEnd - t) / FADE_SECONDS);
      double sample = 0.22 * tone * tremolo * Math.max(0.0, fade);
      double pan = 0.5 + 0.4 * Math.sin(2 * Math.PI * 0.1 * t + shots.size());
      out[2 * i] = (short) Math.round(sample * (1.0 - pan) * 2 * Short.MAX_VALUE * 0.5);
      out[2 * i + 1] = (short) Math.round(sample * pan * 2 * Short.MAX_VALUE * 0.5);
    }
    return out;
  }
}
