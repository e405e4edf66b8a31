package dev.kino.inputs;

import dev.kino.media.MediaException;
import dev.kino.media.MediaInfo;
import dev.kino.media.MediaProbe;
import java.nio.file.Path;

/**
 * Video inputs (such as an element's motion-reference {@code video_url}): fetched under the address
 * policy, recognised as MP4/MOV, WebM/Matroska or AVI from their bytes, probed by FFmpeg restricted
 * to plain file input, and refused above the duration and resolution limits.
 */
public final class VideoInputs {
  /** The seeds' recommended limit for videos. */
  public static final long MAX_VIDEO_BYTES = 100L * 1024 * 1024;

  static final double MAX_SECONDS = 600;
  static final int MAX_SIDE = 4096;

  private final InputFiles files;

  public VideoInputs(InputFiles files) {
    this.files = files;
  }

  /** What the video at the URL holds; the local copy is deleted afterwards. */
  public MediaInfo probe(String field, String url) throws InputException, InterruptedException {
    try (LocalInput input = files.open(field, url, MAX_VIDEO_BYTES)) {
      return inspect(field, url, input.path());
    }
  }

  /**
   * Checks a local video file: a known container that FFmpeg reads, with a video stream within the
   * limits.
   */
  public static MediaInfo inspect(String field, String url, Path file) throws InputException {
    requireVideoContainer(field, url, file);
    MediaInfo info;
    try {
      info = MediaProbe.probe(file);
    } catch (MediaException e) {
      throw new InputException(
          "unsupported_format", field, url, "the video cannot be read: " + e.getMessage());
    }
    if (info.videoCodec() == null || info.width() <= 0) {
      throw new InputException("unsupported_format", field, url, "the file has no video stream");
    }
    if (info.durationSeconds() > MAX_SECONDS
        || info.width() > MAX_SIDE
        || info.height() > MAX_SIDE) {
      throw new InputException(
          "too_large",
          field,
          url,
          "the video is "
              + info.width()
              + "x"
              + info.height()
              + ", "
              + Math.round(info.durationSeconds())
              + " s; at most "
              + MAX_SIDE
              + " pixels a side and "
              + (int) MAX_SECONDS
              + " s are accepted");
    }
    return info;
  }

  private static void requireVideoContainer(String field, String url, Path file)
      throws InputException {
    if (VideoContainer.sniff(UrlFetcher.head(field, url, file, 12)).isEmpty()) {
      throw new InputException(
          "unsupported_format",
          field,
          url,
          "the file is not an MP4, MOV, WebM, Matroska or AVI video");
    }
  }
}
