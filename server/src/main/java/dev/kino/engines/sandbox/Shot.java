package dev.kino.engines.sandbox;

/**
 * A stretch of the video rendered from one prompt: frames {@code [startFrame, startFrame +
 * frames)}.
 */
record Shot(int index, String prompt, int startFrame, int frames, CameraMove move) {

  boolean contains(int frame) {
    return frame >= startFrame && frame < startFrame + frames;
  }

  /** How far through the shot a frame is, 0 at its first frame. */
  double progress(int frame) {
    return frames <= 1 ? 0 : (double) (frame - startFrame) / (frames - 1);
  }
}
