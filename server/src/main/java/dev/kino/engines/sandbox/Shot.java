package dev.kino.engines.sandbox;

/** A stretch of the video rendered from one prompt: frames {@code [startFrame, startFrame + frames)}. */
record Shot(int index, String prompt, int startFrame, int frames) {

  boolean contains(int frame) {
    return frame >= startFrame && frame < startFrame + frames;
  }
}
