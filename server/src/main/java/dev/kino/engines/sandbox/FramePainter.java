package dev.kino.engines.sandbox;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Paints the frames of one video. Text-to-video frames are a gradient in the shot's colours with moving
 * shapes; image-to-video frames are the start image, fitted to the frame, slowly pushed in. Both carry the
 * shot's prompt as a caption and a timecode. Frame 0 of an image-to-video is the fitted start image exactly.
 */
final class FramePainter {
  private final int width;
  private final int height;
  private final int fps;
  private final String title;
  private final BufferedImage startImage;
  private final BufferedImage canvas;
  private final Font captionFont;
  private final Font labelFont;
  private Shot backgroundShot;
  private BufferedImage background;

  FramePainter(int width, int height, int fps, String title, BufferedImage startImage) {
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.title = title;
    this.startImage = startImage == null ? null : fitted(startImage, width, height);
    this.canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    int unit = Math.min(width, height);
    this.captionFont = new Font(Font.SANS_SERIF, Font.BOLD, Math.max(14, unit / 26));
    this.labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(12, unit / 40));
  }

  /** Paints frame {@code frame} of the video into a canvas reused between calls. */
  BufferedImage paint(int frame, Shot shot, int shotCount, Look look) {
    Graphics2D g = canvas.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      double t = (double) (frame - shot.startFrame()) / fps;
      if (startImage != null) {
        paintStartImage(g, frame);
        if (frame == 0) {
          return canvas;
        }
      } else {
        g.drawImage(backgroundFor(shot, look), 0, 0, null);
        paintShapes(g, look, t);
      }
      paintCaption(g, shot.prompt());
      paintLabels(g, frame, shot, shotCount);
      return canvas;
    } finally {
      g.dispose();
    }
  }

  private void paintStartImage(Graphics2D g, int frame) {
    if (frame == 0) {
      g.drawImage(startImage, 0, 0, null);
      return;
    }
    // A slow push-in: 4% over the first ten seconds, about the frame's centre.
    double scale = 1.0 + 0.04 * Math.min(1.0, frame / (10.0 * fps));
    AffineTransform push = new AffineTransform();
    push.translate(width / 2.0, height / 2.0);
    push.scale(scale, scale);
    push.translate(-width / 2.0, -height / 2.0);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(startImage, push, null);
  }

  private BufferedImage backgroundFor(Shot shot, Look look) {
    if (shot != backgroundShot) {
      background = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
      Graphics2D g = background.createGraphics();
      g.setPaint(new GradientPaint(0, 0, look.top(), 0, height, look.bottom()));
      g.fillRect(0, 0, width, height);
      g.dispose();
      backgroundShot = shot;
    }
    return background;
  }

  private void paintShapes(Graphics2D g, Look look, double t) {
    int unit = Math.min(width, height);
    Color[] accents = look.accents();
    for (int i = 0; i < accents.length; i++) {
      double phase = t * look.speed() + i * 2.1 + (look.seed() >>> (8 * i) & 0xff) / 40.0;
      int radius = unit / (6 + 2 * i);
      int x = (int) (width / 2.0 + Math.cos(phase) * width * (0.3 - 0.06 * i)) - radius;
      int y = (int) (height / 2.0 + Math.sin(phase * 1.3) * height * (0.25 - 0.05 * i)) - radius;
      g.setColor(accents[i]);
      g.fillOval(x, y, 2 * radius, 2 * radius);
    }
    g.setColor(new Color(255, 255, 255, 60));
    g.setStroke(new BasicStroke(Math.max(2, unit / 200f)));
    int sweep = (int) ((t * look.speed() * width / 4) % width);
    g.drawLine(sweep, 0, sweep, height);
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
    String left = title + (shotCount > 1 ? "  |  shot " + (shot.index() + 1) + "/" + shotCount : "");
    g.drawString(left, margin, margin + metrics.getAscent());
    String timecode = String.format(Locale.ROOT, "%02d:%02d.%02d", frame / fps / 60, frame / fps % 60, frame % fps);
    g.drawString(timecode, width - margin - metrics.stringWidth(timecode), margin + metrics.getAscent());
  }

  /** Greedy word wrap into at most {@code maxLines} lines, the last one ending in an ellipsis when cut. */
  static List<String> wrap(String text, FontMetrics metrics, int maxWidth, int maxLines) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    String[] words = text.strip().split("\\s+");
    for (int i = 0; i < words.length; i++) {
      String candidate = line.isEmpty() ? words[i] : line + " " + words[i];
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
      line.append(words[i]);
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
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(image, (width - w) / 2, (height - h) / 2, w, h, null);
    g.dispose();
    return out;
  }
}
