package dev.kino.inputs;

import java.nio.file.Path;

/**
 * The content checks for a file that is to be kept as an input (an upload): recognised from its
 * bytes as an image or a video, within that kind's size limit, with an image header or a video
 * probe inside the limits. The same rules a fetched input meets, applied before the file is
 * accepted.
 */
public final class MediaCheck {
  private MediaCheck() {}

  /**
   * Returns the file's content type, or throws naming what is wrong ({@code field} is where it came
   * from).
   */
  public static String inspect(String field, String name, Path file, long bytes)
      throws InputException {
    byte[] head = UrlFetcher.head(field, name, file, 32);
    if (ImageFormat.sniff(head).isPresent()) {
      requireAtMost(field, name, bytes, ImageInputs.MAX_IMAGE_BYTES, "images");
      return ImageInputs.inspect(field, name, file).contentType();
    }
    var container = VideoContainer.sniff(head);
    if (container.isPresent()) {
      requireAtMost(field, name, bytes, VideoInputs.MAX_VIDEO_BYTES, "videos");
      VideoInputs.inspect(field, name, file);
      return container.get().contentType();
    }
    throw new InputException(
        "unsupported_format",
        field,
        name,
        "the file is not a JPEG, PNG, BMP or WebP image, nor an MP4, MOV, WebM, Matroska or AVI video");
  }

  private static void requireAtMost(String field, String name, long bytes, long max, String kind)
      throws InputException {
    if (bytes > max) {
      throw new InputException(
          "too_large",
          field,
          name,
          kind
              + " may be at most "
              + max / (1024 * 1024)
              + " MB; this file has "
              + bytes
              + " bytes");
    }
  }
}
