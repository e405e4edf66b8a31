package dev.kino.media;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Writes an MP4 (H.264 in yuv420p, optional stereo AAC) frame by frame through FFmpeg: Kino's own
 * pixel conversion ({@link Yuv420}), bit-exact muxing, a fixed encoder thread count, no wall-clock
 * timestamps; the index is at the front so browsers can start playing before the end arrives.
 */
public final class Mp4Writer implements AutoCloseable {
  static {
    FfmpegCodecs.load();
  }

  private final FFmpegFrameRecorder recorder;
  private final ByteBuffer yuv;
  private final VideoFormat format;
  private boolean closed;

  private Mp4Writer(FFmpegFrameRecorder recorder, VideoFormat format) {
    this.recorder = recorder;
    this.format = format;
    this.yuv = Yuv420.allocate(format.width(), format.height());
  }

  public static Mp4Writer open(Path file, VideoFormat format) throws MediaException {
    FFmpegFrameRecorder recorder =
        new FFmpegFrameRecorder(
            file.toFile(), format.width(), format.height(), format.audioChannels());
    recorder.setFormat("mp4");
    recorder.setVideoCodecName(FfmpegCodecs.H264_ENCODER);
    recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    recorder.setFrameRate(format.fps());
    recorder.setGopSize(format.fps() * 2);
    recorder.setVideoOption("preset", "veryfast");
    recorder.setVideoOption("crf", "23");
    recorder.setVideoOption("threads", "2");
    if (!hasWholeLookaheadRows(format.width())) {
      recorder.setVideoOption("x264-params", "mbtree=0");
    }
    recorder.setVideoOption("flags", "+bitexact");
    recorder.setOption("fflags", "+bitexact");
    recorder.setOption("movflags", "+faststart");
    if (format.hasAudio()) {
      recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
      recorder.setSampleRate(format.sampleRate());
      recorder.setAudioChannels(format.audioChannels());
      recorder.setAudioBitrate(128_000);
      recorder.setAudioOption("flags", "+bitexact");
    }
    try {
      recorder.start();
    } catch (FrameRecorder.Exception e) {
      throw new MediaException(
          "cannot start the MP4 encoder for " + file + ": " + e.getMessage(), e);
    }
    return new Mp4Writer(recorder, format);
  }

  /**
   * Whether x264's macroblock tree is safe at this width. Its AVX-512 code reads past the end of
   * each row of the half-size lookahead picture unless the row holds a multiple of 4 macroblocks
   * (the width is a multiple of 128), and uses whatever memory it finds there: on such CPUs the
   * 720- and 1080-wide outputs (1:1, 9:16) differed from run to run while 1280 and 1920 never did.
   * Found by encoding the same frames under glibc's {@code MALLOC_PERTURB_} with different values,
   * with Kino and with the ffmpeg command line alike; x264's AVX2 and SSE paths give one and the
   * same output. Without the tree those outputs are byte-stable and larger (about half as much
   * again for the sandbox's pictures); 16:9 keeps x264's defaults.
   */
  static boolean hasWholeLookaheadRows(int width) {
    return width % 128 == 0;
  }

  /**
   * Appends one video frame given as BGR; the image must be {@code TYPE_3BYTE_BGR} at the format's
   * size. Kept for callers that have images; the sandbox converts on its painting thread and calls
   * {@link #writeYuv}.
   */
  public void writeFrame(BufferedImage frame) throws MediaException {
    if (frame.getWidth() != format.width() || frame.getHeight() != format.height()) {
      throw new IllegalArgumentException(
          "frame is "
              + frame.getWidth()
              + "x"
              + frame.getHeight()
              + ", expected "
              + format.width()
              + "x"
              + format.height());
    }
    Yuv420.convert(frame, yuv);
    writeYuv(yuv);
  }

  /**
   * Appends one video frame already in planar YUV 4:2:0 (see {@link Yuv420}); FFmpeg converts
   * nothing.
   */
  public void writeYuv(ByteBuffer planes) throws MediaException {
    if (planes.capacity() != Yuv420.frameBytes(format.width(), format.height())) {
      throw new IllegalArgumentException(
          "a YUV 4:2:0 frame of "
              + format.width()
              + "x"
              + format.height()
              + " has "
              + Yuv420.frameBytes(format.width(), format.height())
              + " bytes, got "
              + planes.capacity());
    }
    try {
      recorder.recordImage(
          format.width(),
          format.height(),
          Frame.DEPTH_UBYTE,
          1,
          format.width(),
          avutil.AV_PIX_FMT_YUV420P,
          planes.position(0));
    } catch (FrameRecorder.Exception e) {
      throw new MediaException("cannot encode a video frame: " + e.getMessage(), e);
    }
  }

  /** Appends interleaved 16-bit samples (left, right, left, ...). */
  public void writeSamples(short[] interleaved) throws MediaException {
    if (!format.hasAudio()) {
      throw new IllegalStateException("this MP4 has no audio track");
    }
    try {
      recorder.recordSamples(
          format.sampleRate(), format.audioChannels(), ShortBuffer.wrap(interleaved));
    } catch (FrameRecorder.Exception e) {
      throw new MediaException("cannot encode audio: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws MediaException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      recorder.stop();
      recorder.release();
    } catch (FrameRecorder.Exception e) {
      throw new MediaException("cannot finish the MP4: " + e.getMessage(), e);
    }
  }
}
