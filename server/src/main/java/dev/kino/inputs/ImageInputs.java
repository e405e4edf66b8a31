package dev.kino.inputs;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Image inputs: fetched under the address policy, recognised from their bytes (JPEG, PNG, BMP,
 * WebP), size checked from the header before a single pixel is decoded, so a small file that claims
 * a huge canvas (a decompression bomb) is refused cheaply.
 */
public final class ImageInputs {
  /** The seeds' recommended limit for images. */
  public static final long MAX_IMAGE_BYTES = 50L * 1024 * 1024;

  /** About 8K by 5K: well above the seeds' "~4K" and below what would exhaust memory. */
  static final long MAX_PIXELS = 40_000_000L;

  private final InputFiles files;

  public ImageInputs(InputFiles files) {
    this.files = files;
  }

  public BufferedImage load(String field, String url) throws InputException, InterruptedException {
    try (LocalInput input = files.open(field, url, MAX_IMAGE_BYTES)) {
      return decode(field, url, input.path());
    }
  }

  /**
   * Checks a file that is to be kept (an upload) without decoding its pixels: a supported format
   * whose header declares a size within the pixel limit. Returns the format.
   */
  public static ImageFormat inspect(String field, String name, Path file) throws InputException {
    return read(field, name, file, false).format();
  }

  static BufferedImage decode(String field, String url, Path file) throws InputException {
    return read(field, url, file, true).image();
  }

  private record Read(ImageFormat format, BufferedImage image) {}

  private static Read read(String field, String url, Path file, boolean decodePixels)
      throws InputException {
    ImageFormat format =
        ImageFormat.sniff(UrlFetcher.head(field, url, file, 32))
            .orElseThrow(
                () ->
                    new InputException(
                        "unsupported_format",
                        field,
                        url,
                        "the file is not a JPEG, PNG, BMP or WebP image"));
    try (ImageInputStream stream = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
      if (!readers.hasNext()) {
        throw new InputException(
            "unsupported_format", field, url, "no decoder for this " + format + " image");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(stream, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw new InputException(
              "too_large",
              field,
              url,
              "the image is "
                  + reader.getWidth(0)
                  + "x"
                  + reader.getHeight(0)
                  + " pixels; at most "
                  + MAX_PIXELS
                  + " pixels are accepted");
        }
        return new Read(format, decodePixels ? reader.read(0) : null);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new InputException(
          "unsupported_format",
          field,
          url,
          "the " + format + " image cannot be decoded: " + e.getMessage());
    }
  }
}
