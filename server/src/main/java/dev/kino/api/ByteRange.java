package dev.kino.api;

import java.util.Optional;

/**
 * One byte range of an HTTP {@code Range: bytes=...} header, resolved against a file's length:
 * {@code a-b}, {@code a-} (to the end) and {@code -n} (the last n bytes). Several ranges in one
 * header are answered with the first one only, which RFC 9110 allows; a header that is not a bytes
 * range is ignored (the whole file is sent).
 */
record ByteRange(long first, long last) {

  long length() {
    return last - first + 1;
  }

  /**
   * The range asked for; empty when the header is absent or not understood (send the whole file).
   *
   * @throws Unsatisfiable when the range lies wholly beyond the end of the file
   */
  static Optional<ByteRange> parse(String header, long size) {
    if (header == null || !header.startsWith("bytes=")) {
      return Optional.empty();
    }
    String spec = header.substring(6).split(",", 2)[0].strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return Optional.empty();
    }
    try {
      String from = spec.substring(0, dash).strip();
      String to = spec.substring(dash + 1).strip();
      if (from.isEmpty()) {
        long suffix = Long.parseLong(to);
        if (suffix <= 0) {
          throw new Unsatisfiable();
        }
        return Optional.of(new ByteRange(Math.max(0, size - suffix), size - 1));
      }
      long first = Long.parseLong(from);
      long last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
      if (first >= size || size == 0) {
        throw new Unsatisfiable();
      }
      return last < first ? Optional.empty() : Optional.of(new ByteRange(first, last));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The range starts past the end of the file: 416 with {@code Content-Range: bytes *&#47;size}.
   */
  static final class Unsatisfiable extends RuntimeException {
    Unsatisfiable() {
      super(null, null, false, false);
    }
  }
}
