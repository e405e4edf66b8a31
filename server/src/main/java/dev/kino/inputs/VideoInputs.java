package dev.kino.inputs;

import dev.kino.media.MediaException;
import dev.kino.media.MediaInfo;
import dev.kino.media.MediaProbe;
import java.nio.file.Path;

/**
 * Video inputs (such as an element's motion-reference {@code video_url}): fetched under the address policy,
 * recognised as MP4/MOV, WebM/Matroska or AVI from their bytes, probed by FFmpeg restricted to plain file input,
 * and refused above the duration and resolution limits.
 */
public final class VideoInputs {
  /** The seeds' recommended limit for videos. */
  public static final long MAX_VIDEO_BYTES = 100L * 1024 * 1024;
  static final double MAX_SECONDS = 600;
  static final int MAX_SIDE = 4096;

  private final UrlFetcher fetcher;

  public VideoInputs(UrlFetcher fetcher) {
    this.fetcher = fetcher;
  }

  /** What the video at the URL holds; the downloaded file is deleted afterwards. */
  public MediaInfo probe(String field, String url) throws InputException, InterruptedException {
    Path file = fetcher.fetch(field, url, MAX_VIDEO_BYTES);
    try {
      requireVideoContainer(field, url, file);
      MediaInfo info;
      try {
        info = MediaProbe.probe(file);
      } catch (MediaException e) {
        throw new InputException("unsupported_format", field, url, "the video cannot be read: " + e.getMessage());
      }
      if (info.videoCodec() == null || info.width() <= 0) {
        throw new InputException("unsupported_format", field, url, "the file has no video stream");
      }
      if (info.durationSeconds() > MAX_SECONDS || info.width() > MAX_SIDE || info.height() > MAX_SIDE) {
        throw new InputException(
            "too_large", field, url,
            "the video is " + info.width() + "x" + info.height() + ", " + Math.round(info.durationSeconds())
                + " s; at most " + MAX_SIDE + " pixels a side and " + (int) MAX_SECONDS + " s are accepted");
      }
      return info;
    } finally {
      UrlFetcher.deleteQuietly(file);
    }
  }

  private static void requireVideoContainer(String field, String url, Path file) throws InputException {
    byte[] head = UrlFetcher.head(field, url, file, 12);
    int n = head.length;
    boolean isoMedia = n >= 8 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p';
    boolean matroska = n >= 4 && (head[0] & 0xff) == 0x1A && (head[1] & 0xff) == 0x45 && (head[2] & 0xff) == 0xDF && (head[3] & 0xff) == 0xA3;
    boolean avi = n >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F' && head[8] == 'A' && head[9] == 'V' && head[10] == 'I';
    if (!isoMedia && !matroska && !avi) {
      throw new InputException("unsupported_format", field, url, "the file is not an MP4, MOV, WebM, Matroska or AVI video");
    }
  }
}
