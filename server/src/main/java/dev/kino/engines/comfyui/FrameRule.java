package dev.kino.engines.comfyui;

/**
 * Which frame counts a video model accepts, written as {@code Ak+B} (Wan: 4k+1, LTX: 8k+1): a
 * duration becomes the smallest accepted count that covers it, so the video is never shorter than
 * asked.
 */
record FrameRule(int step, int offset) {

  static FrameRule parse(String text) {
    var m = java.util.regex.Pattern.compile("\\s*(\\d+)\\s*k\\s*\\+\\s*(\\d+)\\s*").matcher(text);
    if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
      throw new IllegalArgumentException("a frame rule looks like 4k+1, got \"" + text + "\"");
    }
    return new FrameRule(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /** The frame count for {@code seconds} at {@code fps}: at least seconds x fps, on the rule. */
  int frames(double seconds, double fps) {
    long wanted = (long) Math.ceil(seconds * fps - 1e-9);
    long k = Math.max(0, (wanted - offset + step - 1) / step);
    return (int) (k * step + offset);
  }

  @Override
  public String toString() {
    return step + "k+" + offset;
  }
}
