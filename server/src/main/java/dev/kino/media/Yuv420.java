package dev.kino.media;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.ByteBuffer;

/**
 * Converts BGR images to planar YUV 4:2:0 (BT.601, limited range, as H.264 players expect) with
 * fixed integer arithmetic. Kino does this itself rather than through swscale so that the encoder's
 * input is exactly reproducible: the same image always becomes the same bytes, on any machine,
 * whatever the buffer alignment. It also lets the conversion run on the thread that paints, away
 * from the encoder.
 */
public final class Yuv420 {
  private Yuv420() {}

  /** Bytes needed for one frame of this size. */
  public static int frameBytes(int width, int height) {
    return width * height * 3 / 2;
  }

  /** A direct buffer for one frame, to fill with {@link #convert}. */
  public static ByteBuffer allocate(int width, int height) {
    return ByteBuffer.allocateDirect(frameBytes(width, height));
  }

  /**
   * Writes the image's Y, U and V planes, one after another, into {@code target} (from position 0).
   */
  public static void convert(BufferedImage image, ByteBuffer target) {
    if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
      throw new IllegalArgumentException(
          "expected a TYPE_3BYTE_BGR image, got type " + image.getType());
    }
    int width = image.getWidth();
    int height = image.getHeight();
    byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int chromaWidth = width / 2;
    int uOffset = width * height;
    int vOffset = uOffset + chromaWidth * (height / 2);
    for (int y = 0; y < height; y++) {
      int row = y * width * 3;
      for (int x = 0; x < width; x++) {
        int i = row + x * 3;
        int b = bgr[i] & 0xff;
        int g = bgr[i + 1] & 0xff;
        int r = bgr[i + 2] & 0xff;
        target.put(y * width + x, (byte) (((66 * r + 129 * g + 25 * b + 128) >> 8) + 16));
      }
    }
    for (int cy = 0; cy < height / 2; cy++) {
      for (int cx = 0; cx < chromaWidth; cx++) {
        int r = 0;
        int g = 0;
        int b = 0;
        for (int dy = 0; dy < 2; dy++) {
          int i = ((2 * cy + dy) * width + 2 * cx) * 3;
          b += (bgr[i] & 0xff) + (bgr[i + 3] & 0xff);
          g += (bgr[i + 1] & 0xff) + (bgr[i + 4] & 0xff);
          r += (bgr[i + 2] & 0xff) + (bgr[i + 5] & 0xff);
        }
        r = (r + 2) >> 2;
        g = (g + 2) >> 2;
        b = (b + 2) >> 2;
        int at = cy * chromaWidth + cx;
        target.put(uOffset + at, (byte) (((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128));
        target.put(vOffset + at, (byte) (((112 * r - 94 * g - 18 * b + 128) >> 8) + 128));
      }
    }
  }
}
