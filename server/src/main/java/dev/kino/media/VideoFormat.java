package dev.kino.media;

/**
 * What an MP4 will hold: H.264 video of this size and rate, and AAC audio when {@code audioChannels
 * > 0}.
 */
public record VideoFormat(int width, int height, int fps, int audioChannels, int sampleRate) {
  public VideoFormat {
    if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0) {
      throw new IllegalArgumentException(
          "H.264 4:2:0 needs a positive, even size, got " + width + "x" + height);
    }
  }

  public boolean hasAudio() {
    return audioChannels > 0;
  }
}
