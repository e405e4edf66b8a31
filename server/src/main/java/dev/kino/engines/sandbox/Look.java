package dev.kino.engines.sandbox;

import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The visual identity of a shot: palette, composition and motion all come from a SHA-256 of its
 * prompt and the request's seed, so the same prompt and seed always look the same and any change
 * shows. {@code cfgScale} (0..1) sets saturation and contrast, so a user can see that the value
 * arrived.
 */
record Look(Color top, Color bottom, List<Figure> figures, double gridSpacing, long hash) {

  /**
   * A shape moving on its own orbit. Positions and sizes are fractions of the frame's shorter side.
   */
  record Figure(
      int kind,
      Color color,
      double orbitX,
      double orbitY,
      double radius,
      double speed,
      double phase) {}

  static Look of(String text, long seed, double cfgScale) {
    long hash = hash(text + "\u0000" + seed);
    SplittableRandom random = new SplittableRandom(hash);
    float saturation = (float) (0.15 + 0.8 * cfgScale);
    float contrast = (float) (0.5 + 0.5 * cfgScale);
    float hue = random.nextInt(360) / 360f;
    Color top = Color.getHSBColor(hue, saturation, 0.35f + 0.25f * contrast);
    Color bottom = Color.getHSBColor((hue + 0.1f) % 1f, saturation, 0.35f - 0.25f * contrast);
    List<Figure> figures = new ArrayList<>();
    int count = 3 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      Color color =
          Color.getHSBColor(
              (hue + 0.2f + random.nextInt(60) / 100f) % 1f, saturation, 0.55f + 0.4f * contrast);
      figures.add(
          new Figure(
              random.nextInt(3),
              color,
              0.15 + random.nextDouble() * 0.55,
              0.10 + random.nextDouble() * 0.25,
              0.06 + random.nextDouble() * 0.12,
              (0.2 + random.nextDouble() * 0.8) * (random.nextBoolean() ? 1 : -1),
              random.nextDouble() * 2 * Math.PI));
    }
    return new Look(top, bottom, List.copyOf(figures), 0.08 + random.nextDouble() * 0.08, hash);
  }

  static long hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = (value << 8) | (digest[i] & 0xff);
      }
      return value;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
