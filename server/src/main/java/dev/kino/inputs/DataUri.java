package dev.kino.inputs;

import java.util.Base64;
import java.util.Locale;

/**
 * {@code data:} URIs in {@code *_url} fields, for small inputs sent inline: base64 only, at most
 * {@link #MAX_BYTES} once decoded (bigger files go through {@code POST /v1/files}). The media type
 * written in the URI is ignored; the format comes from the bytes, as for fetched files.
 */
final class DataUri {
  /** Decoded size limit; the JSON body limit leaves room for a few of these. */
  static final int MAX_BYTES = 2 * 1024 * 1024;

  private DataUri() {}

  static boolean is(String url) {
    return url.regionMatches(true, 0, "data:", 0, 5);
  }

  static byte[] decode(String field, String url) throws InputException {
    int comma = url.indexOf(',');
    if (comma < 0) {
      throw invalid(field, "a data: URI needs a comma before its data");
    }
    String meta = url.substring(5, comma).toLowerCase(Locale.ROOT);
    if (!meta.endsWith(";base64")) {
      throw invalid(field, "only base64 data: URIs are accepted (data:<type>;base64,<data>)");
    }
    String data = url.substring(comma + 1);
    if ((long) data.length() * 3 / 4 > MAX_BYTES + 3) {
      throw new InputException(
          "too_large",
          field,
          shortened(url),
          "inline data: URIs may hold at most "
              + MAX_BYTES / (1024 * 1024)
              + " MB; upload larger files with POST /v1/files");
    }
    try {
      byte[] bytes = Base64.getMimeDecoder().decode(data);
      if (bytes.length > MAX_BYTES) {
        throw new InputException(
            "too_large",
            field,
            shortened(url),
            "inline data: URIs may hold at most "
                + MAX_BYTES / (1024 * 1024)
                + " MB; upload larger files with POST /v1/files");
      }
      if (bytes.length == 0) {
        throw invalid(field, "the data: URI is empty");
      }
      return bytes;
    } catch (IllegalArgumentException e) {
      throw invalid(field, "the data: URI is not valid base64: " + e.getMessage());
    }
  }

  /** What error messages show of a data: URI: its start, not megabytes of base64. */
  static String shortened(String url) {
    return url.length() <= 48 ? url : url.substring(0, 40) + "...";
  }

  private static InputException invalid(String field, String why) {
    return new InputException("invalid_url", field, "data:...", why);
  }
}
