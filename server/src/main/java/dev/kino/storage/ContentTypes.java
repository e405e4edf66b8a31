package dev.kino.storage;

import java.util.Locale;
import java.util.Map;

/** The Content-Type a stored file is served with, from its key's extension. */
final class ContentTypes {
  private static final Map<String, String> BY_EXTENSION =
      Map.of(
          "mp4", "video/mp4",
          "jpg", "image/jpeg",
          "jpeg", "image/jpeg",
          "png", "image/png",
          "webp", "image/webp",
          "bmp", "image/bmp",
          "json", "application/json");

  private ContentTypes() {}

  static String of(String key) {
    int dot = key.lastIndexOf('.');
    String extension = dot < 0 ? "" : key.substring(dot + 1).toLowerCase(Locale.ROOT);
    return BY_EXTENSION.getOrDefault(extension, "application/octet-stream");
  }
}
