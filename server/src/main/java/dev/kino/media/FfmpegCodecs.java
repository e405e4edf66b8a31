package dev.kino.media;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Start-up check that the bundled FFmpeg has the encoders Kino relies on. FFmpeg does not fail when
 * asked for a missing encoder: it silently picks another one (MPEG-4 Part 2 instead of H.264 on the
 * LGPL build), so the only safe moment to find out is before serving.
 */
public final class FfmpegCodecs {
  static final String H264_ENCODER = "libx264";

  static {
    // FFmpeg prints encoder statistics to stderr by default; Kino logs what matters itself.
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
  }

  private FfmpegCodecs() {}

  /** Loads FFmpeg with its logging turned down to errors; idempotent. */
  static void load() {
    // Running the static initialiser is the point.
  }

  /** Loads FFmpeg's native libraries and throws when an encoder is missing. */
  public static void requireEncoders() throws MediaException {
    if (avcodec.avcodec_find_encoder_by_name(H264_ENCODER) == null) {
      throw new MediaException(
          "the bundled FFmpeg has no "
              + H264_ENCODER
              + " encoder; Kino needs the -gpl build of org.bytedeco:ffmpeg");
    }
    if (avcodec.avcodec_find_encoder(avcodec.AV_CODEC_ID_AAC) == null) {
      throw new MediaException("the bundled FFmpeg has no AAC encoder");
    }
  }
}
