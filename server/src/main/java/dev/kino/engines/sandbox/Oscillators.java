package dev.kino.engines.sandbox;

/**
 * Sound building blocks that are fast and give the same samples on every machine: a sine table
 * filled once with {@link StrictMath}, and decays by a per-sample factor instead of calling {@code
 * exp} per sample.
 */
final class Oscillators {
  private static final int TABLE_SIZE = 1 << 14;
  private static final double[] SINE = new double[TABLE_SIZE + 1];

  static {
    for (int i = 0; i <= TABLE_SIZE; i++) {
      SINE[i] = StrictMath.sin(2 * StrictMath.PI * i / TABLE_SIZE);
    }
  }

  private Oscillators() {}

  /** sin(x), interpolated from the table. */
  static double sin(double x) {
    double turns = x / (2 * Math.PI);
    double position = (turns - Math.floor(turns)) * TABLE_SIZE;
    int index = (int) position;
    double fraction = position - index;
    return SINE[index] + (SINE[index + 1] - SINE[index]) * fraction;
  }

  /**
   * Adds a sine starting at {@code start} that fades by 1/e every {@code decaySeconds}, panned 0
   * (left)..1.
   */
  static void decayingTone(
      float[] l,
      float[] r,
      int start,
      int end,
      double frequency,
      double amplitude,
      double decaySeconds,
      double pan) {
    double factor = StrictMath.exp(-1.0 / (decaySeconds * Soundtrack.SAMPLE_RATE));
    double envelope = amplitude;
    int stop = Math.min(end, start + (int) (decaySeconds * 6 * Soundtrack.SAMPLE_RATE));
    for (int i = start; i < stop; i++) {
      float v =
          (float) (envelope * sin(2 * Math.PI * frequency * (i - start) / Soundtrack.SAMPLE_RATE));
      l[i] += (float) (v * (1 - pan));
      r[i] += (float) (v * pan);
      envelope *= factor;
    }
  }
}
