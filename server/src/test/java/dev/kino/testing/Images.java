package dev.kino.testing;

import com.sun.net.httpserver.HttpServer;
import dev.kino.media.MediaException;
import dev.kino.media.Mp4Writer;
import dev.kino.media.VideoFormat;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Test images, and a loopback HTTP server that hands out bytes at paths: it stands in for the
 * public image hosts whose URLs users put in {@code start_image_url}.
 */
public final class Images implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();

  private Images() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = files.get(exchange.getRequestURI().getPath());
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    server.start();
  }

  public static Images serve() {
    try {
      return new Images();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Publishes bytes at a path and returns the URL. */
  public String put(String path, byte[] bytes) {
    files.put(path, bytes);
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Four coloured quadrants: easy to recognise after scaling and lossy encoding. */
  public static BufferedImage quadrants(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(220, 30, 30));
    g.fillRect(0, 0, width / 2, height / 2);
    g.setColor(new Color(30, 200, 40));
    g.fillRect(width / 2, 0, width - width / 2, height / 2);
    g.setColor(new Color(30, 60, 220));
    g.fillRect(0, height / 2, width / 2, height - height / 2);
    g.setColor(new Color(240, 230, 40));
    g.fillRect(width / 2, height / 2, width - width / 2, height - height / 2);
    g.dispose();
    return image;
  }

  /**
   * Encodes with ImageIO (jpg, png, bmp) or, for WebP, which the JDK cannot write, with FFmpeg's
   * libwebp.
   */
  public static byte[] encode(BufferedImage image, String format) {
    if (format.equals("webp")) {
      return webp(image);
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalArgumentException("no writer for " + format);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] webp(BufferedImage image) {
    try {
      Path file = Files.createTempFile("kino-test-", ".webp");
      try (org.bytedeco.javacv.FFmpegFrameRecorder recorder =
              new org.bytedeco.javacv.FFmpegFrameRecorder(
                  file.toFile(), image.getWidth(), image.getHeight(), 0);
          org.bytedeco.javacv.Java2DFrameConverter converter =
              new org.bytedeco.javacv.Java2DFrameConverter()) {
        recorder.setFormat("webp");
        recorder.setVideoCodecName("libwebp");
        recorder.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
        recorder.setFrameRate(1);
        recorder.start();
        BufferedImage bgr =
            new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        bgr.getGraphics().drawImage(image, 0, 0, null);
        recorder.record(converter.convert(bgr));
        recorder.stop();
      }
      byte[] bytes = Files.readAllBytes(file);
      Files.delete(file);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A PNG signature and an IHDR chunk (with a correct CRC) declaring the size, and nothing else.
   */
  public static byte[] pngHeaderOnly(int width, int height) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
      ByteArrayOutputStream chunk = new ByteArrayOutputStream();
      DataOutputStream data = new DataOutputStream(chunk);
      data.writeBytes("IHDR");
      data.writeInt(width);
      data.writeInt(height);
      data.write(new byte[] {8, 2, 0, 0, 0});
      out.writeInt(13);
      out.write(chunk.toByteArray());
      CRC32 crc = new CRC32();
      crc.update(chunk.toByteArray());
      out.writeInt((int) crc.getValue());
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Two seconds of black 320x240 H.264 at 24 fps, no audio: a motion-reference video. */
  public static byte[] twoSecondVideo() {
    return video(320, 240, 24, 48);
  }

  /** A black H.264 MP4 of this size, frame rate and length, no audio. */
  public static byte[] video(int width, int height, int fps, int frames) {
    try {
      Path file = Files.createTempFile("kino-video-", ".mp4");
      try (Mp4Writer writer =
          Mp4Writer.open(file, new VideoFormat(width, height, fps, 0, 48_000))) {
        BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int i = 0; i < frames; i++) {
          writer.writeFrame(frame);
        }
      }
      try {
        return Files.readAllBytes(file);
      } finally {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (MediaException e) {
      throw new IllegalStateException("cannot encode the test video", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
