package dev.kino.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Kino's own BGR -> YUV 4:2:0 conversion: BT.601 limited range, the same bytes for the same image.
 */
class Yuv420Test {

  @Test
  void white_black_and_red_get_their_bt601_values() {
    assertThat(yuvOf(Color.WHITE)).containsExactly(235, 128, 128);
    assertThat(yuvOf(Color.BLACK)).containsExactly(16, 128, 128);
    assertThat(yuvOf(new Color(255, 0, 0))).containsExactly(82, 90, 240);
  }

  @Test
  void planes_are_laid_out_y_then_u_then_v_and_chroma_averages_each_2x2_block() {
    BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 2, 2);
    g.setColor(Color.BLACK);
    g.fillRect(2, 0, 2, 2);
    g.dispose();
    ByteBuffer planes = Yuv420.allocate(4, 2);

    Yuv420.convert(image, planes);

    assertThat(planes.capacity()).isEqualTo(12);
    assertThat(planes.get(0) & 0xff).isEqualTo(235);
    assertThat(planes.get(3) & 0xff).isEqualTo(16);
    assertThat(planes.get(8) & 0xff).isEqualTo(128);
    assertThat(planes.get(10) & 0xff).isEqualTo(128);
  }

  @Test
  void the_same_image_always_gives_the_same_bytes() {
    BufferedImage image = new BufferedImage(64, 32, BufferedImage.TYPE_3BYTE_BGR);
    for (int i = 0; i < 64 * 32; i++) {
      image.setRGB(i % 64, i / 64, i * 2654435761L > 0 ? (int) (i * 2654435761L) : i);
    }
    ByteBuffer a = Yuv420.allocate(64, 32);
    ByteBuffer b = Yuv420.allocate(64, 32);

    Yuv420.convert(image, a);
    Yuv420.convert(image, b);

    assertThat(a.position(0)).isEqualTo(b.position(0));
  }

  @Test
  void every_byte_is_the_bt601_formula_of_its_pixel_or_its_2x2_block() {
    int width = 38;
    int height = 22;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    java.util.Random random = new java.util.Random(7);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    ByteBuffer planes = Yuv420.allocate(width, height);

    Yuv420.convert(image, planes);

    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        Color c = new Color(image.getRGB(x, y));
        int expected = ((66 * c.getRed() + 129 * c.getGreen() + 25 * c.getBlue() + 128) >> 8) + 16;
        assertThat(planes.get(y * width + x) & 0xff).as("Y at %d,%d", x, y).isEqualTo(expected);
      }
    }
    int chromaWidth = width / 2;
    int v = width * height + chromaWidth * (height / 2);
    for (int cy = 0; cy < height / 2; cy++) {
      for (int cx = 0; cx < chromaWidth; cx++) {
        int r = 0;
        int g = 0;
        int b = 0;
        for (int dy = 0; dy < 2; dy++) {
          for (int dx = 0; dx < 2; dx++) {
            Color c = new Color(image.getRGB(2 * cx + dx, 2 * cy + dy));
            r += c.getRed();
            g += c.getGreen();
            b += c.getBlue();
          }
        }
        r = (r + 2) >> 2;
        g = (g + 2) >> 2;
        b = (b + 2) >> 2;
        int at = cy * chromaWidth + cx;
        assertThat(planes.get(width * height + at) & 0xff)
            .as("U at %d,%d", cx, cy)
            .isEqualTo(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128);
        assertThat(planes.get(v + at) & 0xff)
            .as("V at %d,%d", cx, cy)
            .isEqualTo(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128);
      }
    }
  }

  private static int[] yuvOf(Color color) {
    BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 2, 2);
    g.dispose();
    ByteBuffer planes = Yuv420.allocate(2, 2);
    Yuv420.convert(image, planes);
    return new int[] {planes.get(0) & 0xff, planes.get(4) & 0xff, planes.get(5) & 0xff};
  }
}
