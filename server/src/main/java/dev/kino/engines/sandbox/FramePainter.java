package dev.kino.engines.sandbox;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Paints the frames of one video into canvases it is handed. Text-to-video frames are a gradient in
 * the shot's colours with a grid and figures that the shot's camera move carries; image-to-video
 * frames are the start image, fitted to the frame, carried by the camera move, with element
 * inserts. Both carry the shot's prompt as a caption and labels (model, shot, move, timecode).
 * Frame 0 of an image-to-video is the fitted image alone.
 */
final class FramePainter {
  private final int width;
  private final int height;
  private final String title;
  private final BufferedImage startImage;
  private final List<Insert> inserts;
  private final Font captionFont;
  private final Font labelFont;
  private final List<Look> looks;
  private final BufferedImage[] backgrounds;

  /** A labelled thumbnail shown in the corner (an element's reference image). */
  record Insert(BufferedImage thumbnail, String label) {}

  FramePainter(
      int width,
      int height,
      String title,
      List<Look> looks,
      BufferedImage startImage,
      List<Insert> inserts) {
    this.width = width;
    this.height = height;
    this.title = title;
    this.looks = looks;
    this.startImage = startImage == null ? null : fitted(startImage, width, height);
    this.inserts = inserts;
    this.backgrounds = new BufferedImage[looks.size()];
    int unit = Math.min(width, height);
    this.captionFont = CaptionFonts.bold(Math.max(14, unit / 26));
    this.labelFont = CaptionFonts.regular(Math.max(12, unit / 40));
  }

  void paint(BufferedImage canvas, int frame, Shot shot, int shotCount) {
    Graphics2D g = canvas.createGraphics();
    try {
      if (startImage != null && frame == 0) {
        g.drawImage(startImage, 0, 0, null);
        return;
      }
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      AffineTransform camera = shot.move().at(shot.progress(frame), width, height);
      Look look = looks.get(shot.index());
      if (startImage != null) {
        paintStartImage(g, camera, look);
        paintInserts(g);
      } else {
        g.drawImage(background(shot.index()), 0, 0, null);
        paintScene(g, camera, look, (double) frame / SandboxEngine.FPS);
      }
      paintCaption(g, shot.prompt());
      paintLabels(g, frame, shot, shotCount);
    } finally {
      g.dispose();
    }
  }

  private void paintStartImage(Graphics2D g, AffineTransform camera, Look look) {
    if (!camera.isIdentity() && camera.getScaleX() <= 1.0) {
      // The move reveals what lies beyond the image: the shot's darker colour.
      g.setColor(look.bottom());
      g.fillRect(0, 0, width, height);
    }
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(startImage, camera, null);
  }

  private BufferedImage background(int shot) {
    if (backgrounds[shot] == null) {
      BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = image.createGraphics();
      g.setPaint(
          new GradientPaint(0, 0, looks.get(shot).top(), 0, height, looks.get(shot).bottom()));
      g.fillRect(0, 0, width, height);
      g.dispose();
      backgrounds[shot] = image;
    }
    return backgrounds[shot];
  }

  /** The grid and figures, seen through the camera: the camera move is what makes them travel. */
  private void paintScene(Graphics2D g, AffineTransform camera, Look look, double seconds) {
    AffineTransform plain = g.getTransform();
    g.transform(camera);
    int unit = Math.min(width, height);
    g.setColor(new Color(255, 255, 255, 40));
    g.setStroke(new BasicStroke(Math.max(1f, unit / 400f)));
    int step = (int) Math.max(8, look.gridSpacing() * unit);
    for (int x = -width; x < 2 * width; x += step) {
      g.drawLine(x, -height, x, 2 * height);
    }
    for (int y = -height; y < 2 * height; y += step) {
      g.drawLine(-width, y, 2 * width, y);
    }
    for (Look.Figure f : look.figures()) {
      double angle = f.phase() + seconds * f.speed();
      int r = (int) (f.radius() * unit);
      int x = (int) (width / 2.0 + StrictMath.cos(angle) * f.orbitX() * width) - r;
      int y = (int) (height / 2.0 + StrictMath.sin(angle) * f.orbitY() * height * 1.6) - r;
      g.setColor(f.color());
      switch (f.kind()) {
        case 0 -> g.fillOval(x, y, 2 * r, 2 * r);
        case 1 -> g.fillRect(x, y, 2 * r, 2 * r);
        default ->
            g.fillPolygon(
                new Polygon(
                    new int[] {x + r, x + 2 * r, x}, new int[] {y, y + 2 * r, y + 2 * r}, 3));
      }
    }
    g.setTransform(plain);
  }

  private void paintInserts(Graphics2D g) {
    if (inserts.isEmpty()) {
      return;
    }
    g.setFont(labelFont);
    FontMetrics metrics = g.getFontMetrics();
    int margin = width / 40;
    int y = margin * 3;
    for (Insert insert : inserts) {
      BufferedImage thumb = insert.thumbnail();
      int x = width - margin - thumb.getWidth();
      g.setColor(Color.WHITE);
      g.fillRect(x - 3, y - 3, thumb.getWidth() + 6, thumb.getHeight() + 6);
      g.drawImage(thumb, x, y, null);
      g.setColor(new Color(0, 0, 0, 160));
      g.fillRect(
          x, y + thumb.getHeight() - metrics.getHeight(), thumb.getWidth(), metrics.getHeight());
      g.setColor(Color.WHITE);
      g.drawString(insert.label(), x + 6, y + thumb.getHeight() - metrics.getDescent());
      y += thumb.getHeight() + margin;
    }
  }

  private void paintCaption(Graphics2D g, String prompt) {
    g.setFont(captionFont);
    FontMetrics metrics = g.getFontMetrics();
    int margin = width / 24;
    List<String> lines = wrap(prompt, metrics, width - 2 * margin, 3);
    int lineHeight = metrics.getHeight();
    int bandHeight = lineHeight * lines.size() + margin / 2;
    g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.55f));
    g.setColor(Color.BLACK);
    g.fillRect(0, height - bandHeight - margin / 2, width, bandHeight + margin / 2);
    g.setComposite(AlphaComposite.SrcOver);
    g.setColor(Color.WHITE);
    int y = height - bandHeight - margin / 2 + margin / 4 + metrics.getAscent();
    for (String line : lines) {
      g.drawString(line, margin, y);
      y += lineHeight;
    }
  }

  private void paintLabels(Graphics2D g, int frame, Shot shot, int shotCount) {
    g.setFont(labelFont);
    FontMetrics metrics = g.getFontMetrics();
    int margin = width / 40;
    g.setColor(new Color(255, 255, 255, 220));
    String left =
        title
            + "  |  shot "
            + (shot.index() + 1)
            + "/"
            + shotCount
            + "  |  "
            + shot.move().wire().replace('_', ' ');
    g.drawString(left, margin, margin + metrics.getAscent());
    int fps = SandboxEngine.FPS;
    String timecode =
        String.format(
            Locale.ROOT, "%02d:%02d.%02d", frame / fps / 60, frame / fps % 60, frame % fps);
    g.drawString(
        timecode, width - margin - metrics.stringWidth(timecode), margin + metrics.getAscent());
  }

  /**
   * Greedy word wrap into at most {@code maxLines} lines, the last one ending in an ellipsis when
   * cut.
   */
  static List<String> wrap(String text, FontMetrics metrics, int maxWidth, int maxLines) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    String[] words = text.strip().split("\\s+");
    for (String word : words) {
      String candidate = line.isEmpty() ? word : line + " " + word;
      if (metrics.stringWidth(candidate) <= maxWidth || line.isEmpty()) {
        line.setLength(0);
        line.append(candidate);
        continue;
      }
      if (lines.size() == maxLines - 1) {
        lines.add(line + " …");
        return lines;
      }
      lines.add(line.toString());
      line.setLength(0);
      line.append(word);
    }
    if (!line.isEmpty()) {
      lines.add(line.toString());
    }
    return lines;
  }

  /** Scales and centre-crops an image so it covers the whole frame. */
  static BufferedImage fitted(BufferedImage image, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    double scale = Math.max((double) width / image.getWidth(), (double) height / image.getHeight());
    int w = (int) Math.ceil(image.getWidth() * scale);
    int h = (int) Math.ceil(image.getHeight() * scale);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(image, (width - w) / 2, (height - h) / 2, w, h, null);
    g.dispose();
    return out;
  }
}
