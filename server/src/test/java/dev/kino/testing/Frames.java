package dev.kino.testing;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Reads back what an MP4 holds, frame by frame and sample by sample, for assertions. */
public final class Frames {
  private Frames() {}

  /** Every video frame, decoded. */
  public static List<BufferedImage> all(Path file) throws Exception {
    List<BufferedImage> frames = new ArrayList<>();
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      grabber.start();
      Frame frame;
      while ((frame = grabber.grabImage()) != null) {
        BufferedImage image = converter.convert(frame);
        BufferedImage copy =
            new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        copy.getGraphics().drawImage(image, 0, 0, null);
        frames.add(copy);
      }
      grabber.stop();
    }
    return frames;
  }

  /** All audio as interleaved 16-bit samples, and the channel count. */
  public record Audio(short[] samples, int channels, int sampleRate) {
    public double seconds() {
      return (double) samples.length / channels / sampleRate;
    }

    public double rmsDbfs() {
      double sum = 0;
      for (short s : samples) {
        sum += (double) s * s;
      }
      return 20 * Math.log10(Math.sqrt(sum / samples.length) / Short.MAX_VALUE);
    }
  }

  public static Audio audio(Path file) throws Exception {
    try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
      grabber.setSampleMode(FrameGrabber.SampleMode.SHORT);
      grabber.start();
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      java.util.List<short[]> chunks = new ArrayList<>();
      int total = 0;
      Frame frame;
      while ((frame = grabber.grabSamples()) != null) {
        java.nio.ShortBuffer buffer = (java.nio.ShortBuffer) frame.samples[0];
        short[] chunk = new short[buffer.remaining()];
        buffer.get(chunk);
        chunks.add(chunk);
        total += chunk.length;
      }
      short[] all = new short[total];
      int at = 0;
      for (short[] chunk : chunks) {
        System.arraycopy(chunk, 0, all, at, chunk.length);
        at += chunk.length;
      }
      Audio audio = new Audio(all, grabber.getAudioChannels(), grabber.getSampleRate());
      grabber.stop();
      bytes.close();
      return audio;
    }
  }

  /** Mean absolute difference of two same-sized images, 0..255. */
  public static double difference(BufferedImage a, BufferedImage b) {
    long sum = 0;
    for (int y = 0; y < a.getHeight(); y += 2) {
      for (int x = 0; x < a.getWidth(); x += 2) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        sum +=
            Math.abs(((p >> 16) & 0xff) - ((q >> 16) & 0xff))
                + Math.abs(((p >> 8) & 0xff) - ((q >> 8) & 0xff))
                + Math.abs((p & 0xff) - (q & 0xff));
      }
    }
    return sum / (3.0 * (a.getWidth() / 2) * (a.getHeight() / 2));
  }

  /** Peak signal-to-noise ratio in dB over the RGB channels. */
  public static double psnr(BufferedImage a, BufferedImage b) {
    double squared = 0;
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        int p = a.getRGB(x, y);
        int q = b.getRGB(x, y);
        for (int shift = 0; shift <= 16; shift += 8) {
          double d = ((p >> shift) & 0xff) - ((q >> shift) & 0xff);
          squared += d * d;
        }
      }
    }
    double mse = squared / (3.0 * a.getWidth() * a.getHeight());
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255 * 255 / mse);
  }

  /** Mean HSB saturation, 0..1. */
  public static double saturation(BufferedImage image) {
    double sum = 0;
    int n = 0;
    for (int y = 0; y < image.getHeight(); y += 4) {
      for (int x = 0; x < image.getWidth(); x += 4) {
        int p = image.getRGB(x, y);
        sum += Color.RGBtoHSB((p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff, null)[1];
        n++;
      }
    }
    return sum / n;
  }
}
