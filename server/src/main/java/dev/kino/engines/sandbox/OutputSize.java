package dev.kino.engines.sandbox;

/**
 * The frame size for a tier and aspect ratio: {@code pro} renders 1080p-class frames, {@code standard}
 * 720p-class, in 16:9, 9:16 or 1:1.
 */
record OutputSize(int width, int height) {

  static OutputSize of(String tier, String aspectRatio) {
    int shortSide = "pro".equals(tier) ? 1080 : 720;
    int longSide = shortSide * 16 / 9;
    return switch (aspectRatio) {
      case "9:16" -> new OutputSize(shortSide, longSide);
      case "1:1" -> new OutputSize(shortSide, shortSide);
      default -> new OutputSize(longSide, shortSide);
    };
  }

  /** The supported aspect ratio nearest to an image's, compared on a log scale so 2:1 and 1:2 are equally far. */
  static String nearestAspect(int width, int height) {
    double ratio = StrictMath.log((double) width / height);
    String best = "16:9";
    double bestDistance = Double.MAX_VALUE;
    for (String candidate : new String[] {"16:9", "9:16", "1:1"}) {
      String[] parts = candidate.split(":");
      double distance = Math.abs(ratio - StrictMath.log(Double.parseDouble(parts[0]) / Double.parseDouble(parts[1])));
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate;
      }
    }
    return best;
  }
}
