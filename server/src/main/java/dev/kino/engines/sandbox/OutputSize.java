package dev.kino.engines.sandbox;

/**
 * The frame size for a tier and aspect ratio: {@code pro} renders 1080p-class frames, {@code
 * standard} 720p-class, in 16:9, 9:16 or 1:1. A definition may set the short side itself ({@code
 * short_side}: a preview model, or tests and benchmarks that want many short jobs).
 */
record OutputSize(int width, int height) {

  static int shortSide(String tier, int requested) {
    if (requested > 0) {
      return Math.clamp(
          requested - requested % 8,
          16,
          2160); // H.264 macroblocks: whole multiples of 8 stay even at 16:9
    }
    return "pro".equals(tier) ? 1080 : 720;
  }

  static OutputSize of(int shortSide, String aspectRatio) {
    int longSide = (shortSide * 16 / 9) & ~1;
    return switch (aspectRatio) {
      case "9:16" -> new OutputSize(shortSide, longSide);
      case "1:1" -> new OutputSize(shortSide, shortSide);
      default -> new OutputSize(longSide, shortSide);
    };
  }

  /**
   * The supported aspect ratio nearest to an image's, compared on a log scale so 2:1 and 1:2 are
   * equally far.
   */
  static String nearestAspect(int width, int height) {
    double ratio = StrictMath.log((double) width / height);
    String best = "16:9";
    double bestDistance = Double.MAX_VALUE;
    for (String candidate : new String[] {"16:9", "9:16", "1:1"}) {
      String[] parts = candidate.split(":");
      double distance =
          Math.abs(
              ratio - StrictMath.log(Double.parseDouble(parts[0]) / Double.parseDouble(parts[1])));
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return best;
  }
}
