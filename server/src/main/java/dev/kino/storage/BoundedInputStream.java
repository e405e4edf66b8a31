package dev.kino.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * At most {@code limit} bytes of a stream: a byte range of a file being served, or one part of a
 * file going up in parts. Closing it closes the stream unless told to leave it open for the next
 * part.
 */
public final class BoundedInputStream extends FilterInputStream {
  private final boolean closeUnderlying;
  private long left;

  public BoundedInputStream(InputStream in, long limit) {
    this(in, limit, true);
  }

  private BoundedInputStream(InputStream in, long limit, boolean closeUnderlying) {
    super(in);
    this.left = limit;
    this.closeUnderlying = closeUnderlying;
  }

  /** The next {@code limit} bytes of {@code in}, which stays open when this is closed. */
  static BoundedInputStream part(InputStream in, long limit) {
    return new BoundedInputStream(in, limit, false);
  }

  @Override
  public int read() throws IOException {
    if (left <= 0) {
      return -1;
    }
    int b = super.read();
    if (b >= 0) {
      left--;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (left <= 0) {
      return -1;
    }
    int n = super.read(buffer, offset, (int) Math.min(length, left));
    if (n > 0) {
      left -= n;
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    if (closeUnderlying) {
      super.close();
    }
  }
}
