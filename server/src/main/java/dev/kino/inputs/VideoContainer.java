package dev.kino.inputs;

import java.util.Optional;

/** The video containers Kino reads, recognised by their first bytes, never by a file name. */
public enum VideoContainer {
  /** MP4, MOV and the other ISO base media files: a {@code ftyp} box first. */
  ISO_MEDIA("video/mp4"),
  /** WebM and Matroska: the EBML magic number. */
  MATROSKA("video/webm"),
  AVI("video/x-msvideo");

  private final String contentType;

  VideoContainer(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  static Optional<VideoContainer> sniff(byte[] head) {
    int n = head.length;
    if (n >= 8 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p') {
      return Optional.of(ISO_MEDIA);
    }
    if (n >= 4
        && (head[0] & 0xff) == 0x1A
        && (head[1] & 0xff) == 0x45
        && (head[2] & 0xff) == 0xDF
        && (head[3] & 0xff) == 0xA3) {
      return Optional.of(MATROSKA);
    }
    if (n >= 12
        && head[0] == 'R'
        && head[1] == 'I'
        && head[2] == 'F'
        && head[3] == 'F'
        && head[8] == 'A'
        && head[9] == 'V'
        && head[10] == 'I') {
      return Optional.of(AVI);
    }
    return Optional.empty();
  }
}
