package dev.kino.engines.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The whole stereo soundtrack of a video, composed before rendering (a few MB even for 15 s, unlike
 * the video): under every shot a soft chord on a note from its look, plus the layers its prompt
 * names; at each cut a short dip and a whoosh; then the whole track normalised to one loudness (RMS
 * -20 dBFS, peaks soft-limited).
 */
final class Soundtrack {
  static final int SAMPLE_RATE = 48_000;
  static final double TARGET_RMS_DBFS = -20.0;
  private static final double[] NOTES = {220.0, 246.94, 277.18, 329.63, 369.99, 440.0};

  private final short[] interleaved;
  private final List<List<SoundLayer>> layers;
  private final List<Integer> transitions;

  private Soundtrack(
      short[] interleaved, List<List<SoundLayer>> layers, List<Integer> transitions) {
    this.interleaved = interleaved;
    this.layers = layers;
    this.transitions = transitions;
  }

  static Soundtrack compose(List<Shot> shots, List<Look> looks, int totalFrames) {
    int perFrame = SAMPLE_RATE / SandboxEngine.FPS;
    int length = totalFrames * perFrame;
    float[] left = new float[length];
    float[] right = new float[length];
    List<List<SoundLayer>> layers = new ArrayList<>();
    List<Integer> transitions = new ArrayList<>();
    for (Shot shot : shots) {
      int from = shot.startFrame() * perFrame;
      int to = (shot.startFrame() + shot.frames()) * perFrame;
      Look look = looks.get(shot.index());
      SplittableRandom rng = new SplittableRandom(look.hash());
      pad(left, right, from, to, NOTES[(int) Math.floorMod(look.hash(), NOTES.length)]);
      List<SoundLayer> shotLayers = SoundLayer.in(shot.prompt());
      for (SoundLayer layer : shotLayers) {
        layer.add(left, right, from, to, rng);
      }
      layers.add(shotLayers);
      if (shot.index() > 0) {
        transitions.add(shot.startFrame());
        transition(left, right, from, new SplittableRandom(look.hash() ^ 0x5DEECE66DL));
      }
    }
    return new Soundtrack(normalise(left, right), List.copyOf(layers), List.copyOf(transitions));
  }

  /** The interleaved samples that play during one video frame. */
  short[] forFrame(int frame) {
    int perFrame = 2 * SAMPLE_RATE / SandboxEngine.FPS;
    short[] out = new short[perFrame];
    System.arraycopy(interleaved, frame * perFrame, out, 0, perFrame);
    return out;
  }

  List<List<SoundLayer>> layers() {
    return layers;
  }

  List<Integer> transitionFrames() {
    return transitions;
  }

  private static void pad(float[] l, float[] r, int from, int to, double root) {
    double[] ratios = {1.0, 1.25, 1.5};
    for (int i = from; i < to; i++) {
      double t = (double) (i - from) / SAMPLE_RATE;
      double tone = 0;
      for (int k = 0; k < ratios.length; k++) {
        tone += Oscillators.sin(2 * Math.PI * root * ratios[k] * t) / (k + 1);
      }
      double tremolo = 0.8 + 0.2 * Oscillators.sin(2 * Math.PI * 0.5 * t);
      l[i] += (float) (0.12 * tone * tremolo);
      r[i] += (float) (0.12 * tone * (1.8 - tremolo));
    }
  }

  /**
   * At a cut: the sound dips for 30 ms either side, and a band of noise swells and fades over 0.3
   * s.
   */
  private static void transition(float[] l, float[] r, int cut, SplittableRandom rng) {
    int dip = SAMPLE_RATE * 30 / 1000;
    for (int i = Math.max(0, cut - dip); i < Math.min(l.length, cut + dip); i++) {
      float gain = (float) Math.abs(i - cut) / dip;
      l[i] *= gain;
      r[i] *= gain;
    }
    int half = SAMPLE_RATE * 15 / 100;
    float band = 0;
    for (int i = Math.max(0, cut - half); i < Math.min(l.length, cut + half); i++) {
      band += 0.15f * ((float) rng.nextDouble(-1, 1) - band);
      float env = 1f - (float) Math.abs(i - cut) / half;
      l[i] += 0.5f * env * env * band;
      r[i] += 0.5f * env * env * band;
    }
  }

  /**
   * Scales the track to the target RMS and soft-limits peaks, then converts to 16-bit interleaved
   * samples.
   */
  private static short[] normalise(float[] l, float[] r) {
    double sum = 0;
    for (int i = 0; i < l.length; i++) {
      sum += (double) l[i] * l[i] + (double) r[i] * r[i];
    }
    double rms = Math.sqrt(sum / (2.0 * l.length));
    double gain = rms == 0 ? 1 : StrictMath.pow(10, TARGET_RMS_DBFS / 20) / rms;
    short[] out = new short[2 * l.length];
    for (int i = 0; i < l.length; i++) {
      out[2 * i] = toPcm(l[i] * gain);
      out[2 * i + 1] = toPcm(r[i] * gain);
    }
    return out;
  }

  private static short toPcm(double v) {
    double limited =
        Math.abs(v) <= 0.8
            ? v
            : Math.signum(v) * (0.8 + 0.2 * StrictMath.tanh((Math.abs(v) - 0.8) / 0.2));
    return (short) Math.round(limited * Short.MAX_VALUE);
  }
}
