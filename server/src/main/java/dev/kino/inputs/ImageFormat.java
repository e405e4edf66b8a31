package dev.kino.inputs;

import java.util.Optional;

/**
 * The image formats the seed schemas accept, recognised by their first bytes, never by a file name.
 */
public enum ImageFormat {
  JPEG("image/jpeg"),
  PNG("image/png"),
  BMP("image/bmp"),
  WEBP("image/webp");

  private final String contentType;

  ImageFormat(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  static Optional<ImageFormat> sniff(byte[] head) {
    if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
      return Optional.of(JPEG);
    }
    if (startsWith(head, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return Optional.of(PNG);
    }
    if (startsWith(head, 'B', 'M') && head.length >= 26) {
      return Optional.of(BMP);
    }
    if (startsWith(head, 'R', 'I', 'F', 'F')
        && head.length >= 12
        && head[8] == 'W'
        && head[9] == 'E'
        && head[10] == 'B'
        && head[11] == 'P') {
      return Optional.of(WEBP);
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
