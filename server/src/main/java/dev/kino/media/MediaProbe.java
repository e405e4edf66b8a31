package dev.kino.media;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Reads what a media file holds, through FFmpeg, restricted to plain local files. */
public final class MediaProbe {
  static {
    FfmpegCodecs.load();
  }

  private MediaProbe() {}

  /** Codec, size, frame count and duration of the video, and what audio there is. */
  public static MediaInfo probe(Path file) throws MediaException {
    try (FFmpegFrameGrabber grabber = grabber(file)) {
      grabber.start();
      MediaInfo info =
          new MediaInfo(
              grabber.getVideoCodecName(),
              grabber.getImageWidth(),
              grabber.getImageHeight(),
              grabber.getFrameRate(),
              grabber.getLengthInVideoFrames(),
              grabber.getLengthInTime() / 1_000_000.0,
              grabber.getAudioChannels() > 0 ? grabber.getAudioCodecName() : null,
              grabber.getAudioChannels(),
              grabber.getSampleRate());
      grabber.stop();
      return info;
    } catch (FrameGrabber.Exception e) {
      throw new MediaException("cannot probe " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** The video frame at {@code index} (0-based), as an RGB image. */
  public static BufferedImage frame(Path file, int index) throws MediaException {
    try (FFmpegFrameGrabber grabber = grabber(file);
        Java2DFrameConverter converter = new Java2DFrameConverter()) {
      grabber.start();
      BufferedImage image = null;
      for (int i = 0; i <= index; i++) {
        var frame = grabber.grabImage();
        if (frame == null) {
          throw new MediaException(
              file.getFileName() + " has fewer than " + (index + 1) + " frames");
        }
        if (i == index) {
          image = deepCopy(converter.convert(frame));
        }
      }
      grabber.stop();
      return image;
    } catch (FrameGrabber.Exception e) {
      throw new MediaException("cannot decode " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  private static FFmpegFrameGrabber grabber(Path file) {
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
    // Plain files only: no concat lists, subfiles, playlists or network protocols nested inside a
    // file.
    grabber.setOption("protocol_whitelist", "file");
    return grabber;
  }

  private static BufferedImage deepCopy(BufferedImage source) {
    BufferedImage copy =
        new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
    copy.getGraphics().drawImage(source, 0, 0, null);
    return copy;
  }
}
