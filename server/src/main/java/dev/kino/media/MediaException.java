package dev.kino.media;

/** FFmpeg could not read or write a media file; the message says which and why. */
public final class MediaException extends Exception {
  public MediaException(String message, Throwable cause) {
    super(message, cause);
  }

  public MediaException(String message) {
    super(message);
  }
}
