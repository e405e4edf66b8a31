package dev.kino.engines.sandbox;

import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * The visual and sonic identity of a prompt: colours, motion and tones all come from a SHA-256 of the text, so
 * the same prompt always looks and sounds the same and different prompts differ visibly. {@code cfgScale}
 * (0..1) sets the colour saturation, so a user can see that the value arrived.
 */
record Look(Color top, Color bottom, Color[] accents, double speed, double baseFrequency, long seed) {
  private static final double[] PENTATONIC = {220.0, 246.94, 277.18, 329.63, 369.99, 440.0};

  static Look of(String text, double cfgScale) {
    long seed = seed(text);
    SplittableRandom random = new SplittableRandom(seed);
    float saturation = (float) (0.25 + 0.7 * cfgScale);
    float hue = random.nextInt(360) / 360f;
    Color top = Color.getHSBColor(hue, saturation, 0.55f);
    Color bottom = Color.getHSBColor((hue + 0.12f) % 1f, saturation, 0.18f);
    Color[] accents = new Color[3];
    for (int i = 0; i < accents.length; i++) {
      accents[i] = Color.getHSBColor((hue + 0.33f * (i + 1) + random.nextInt(60) / 360f) % 1f, saturation, 0.9f);
    }
    double speed = 0.4 + random.nextInt(100) / 100.0;
    double frequency = PENTATONIC[random.nextInt(PENTATONIC.length)];
    return new Look(top, bottom, accents, speed, frequency, seed);
  }

  static long seed(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      long seed = 0;
      for (int i = 0; i < 8; i++) {
        seed = (seed << 8) | (digest[i] & 0xff);
      }
      return seed;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
