package dev.kino.media;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What kind a file is, in one place: its Content-Type, its extensions, and the output field an
 * engine's file of that kind fills ({@code video}, {@code image}, {@code audio}). Storage serves
 * files with these types, engines name and sort their outputs by them.
 */
public enum FileType {
  MP4("video/mp4", "video", "mp4", "m4v"),
  WEBM("video/webm", "video", "webm"),
  MATROSKA("video/x-matroska", "video", "mkv"),
  QUICKTIME("video/quicktime", "video", "mov"),
  AVI("video/x-msvideo", "video", "avi"),
  /** An animation: ComfyUI's video nodes can save one, so it fills the video field. */
  GIF("image/gif", "video", "gif"),
  PNG("image/png", "image", "png"),
  JPEG("image/jpeg", "image", "jpg", "jpeg"),
  WEBP("image/webp", "image", "webp"),
  BMP("image/bmp", "image", "bmp"),
  WAV("audio/wav", "audio", "wav"),
  FLAC("audio/flac", "audio", "flac"),
  MP3("audio/mpeg", "audio", "mp3"),
  OGG("audio/ogg", "audio", "ogg"),
  M4A("audio/mp4", "audio", "m4a"),
  JSON("application/json", "file", "json");

  /** What a file of no known kind is served as. */
  public static final String UNKNOWN_CONTENT_TYPE = "application/octet-stream";

  private final String contentType;
  private final String field;
  private final List<String> extensions;

  FileType(String contentType, String field, String... extensions) {
    this.contentType = contentType;
    this.field = field;
    this.extensions = List.of(extensions);
  }

  public String contentType() {
    return contentType;
  }

  /** The output field a file of this kind fills. */
  public String field() {
    return field;
  }

  /** The usual extension, with its dot. */
  public String extension() {
    return "." + extensions.getFirst();
  }

  /** By a file name's (or storage key's) extension. */
  public static Optional<FileType> ofName(String name) {
    int dot = name.lastIndexOf('.');
    String extension = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    for (FileType type : values()) {
      if (type.extensions.contains(extension)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** By a Content-Type header's value (parameters such as {@code ; charset} ignored). */
  public static Optional<FileType> ofContentType(String header) {
    String bare = header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    for (FileType type : values()) {
      if (type.contentType.equals(bare)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }

  /** The Content-Type to serve a file of this name with. */
  public static String contentTypeOf(String name) {
    return ofName(name).map(FileType::contentType).orElse(UNKNOWN_CONTENT_TYPE);
  }

  /** The output field a file of this name fills; {@code file} for any other kind. */
  public static String fieldOf(String name) {
    return ofName(name).map(FileType::field).orElse("file");
  }
}
