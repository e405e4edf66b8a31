package dev.kino.media;

/**
 * What a probe found. {@code audioCodec} is null when there is no audio track.
 *
 * @param durationSeconds the container's duration
 */
public record MediaInfo(
    String videoCodec,
    int width,
    int height,
    double frameRate,
    int videoFrames,
    double durationSeconds,
    String audioCodec,
    int audioChannels,
    int sampleRate) {

  public boolean hasAudio() {
    return audioCodec != null;
  }
}
