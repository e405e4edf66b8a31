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
