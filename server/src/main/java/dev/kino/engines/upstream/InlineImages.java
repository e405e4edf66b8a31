package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.inputs.ImageInputs;
import dev.kino.inputs.InputException;
import dev.kino.inputs.MediaCheck;
import dev.kino.inputs.UrlFetcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * An input image as bytes, for a provider that takes images inline rather than by URL (Veo's {@code
 * bytesBase64Encoded}): a {@code data:} URI is decoded, any other URL fetched under the input rules
 * (the address policy, size limits and the image check), as Kino fetches every input.
 */
final class InlineImages {
  private final UrlFetcher fetcher;

  InlineImages(UrlFetcher fetcher) {
    this.fetcher = fetcher;
  }

  /** The image's bytes and its content type. */
  record Image(byte[] bytes, String contentType) {
    String base64() {
      return Base64.getEncoder().encodeToString(bytes);
    }

    /** The image as a {@code data:} URI, for providers that take one in place of a URL. */
    String dataUri() {
      return "data:" + contentType + ";base64," + base64();
    }
  }

  Image read(String field, String url) throws EngineException, InterruptedException {
    Path file = null;
    try {
      if (url.regionMatches(true, 0, "data:", 0, 5)) {
        int comma = url.indexOf(',');
        file = Files.createTempFile("kino-inline-", ".img");
        Files.write(file, Base64.getDecoder().decode(url.substring(comma + 1)));
      } else {
        file = fetcher.fetch(field, url, ImageInputs.MAX_IMAGE_BYTES);
      }
      String type = MediaCheck.inspect(field, url, file, Files.size(file));
      return new Image(Files.readAllBytes(file), type);
    } catch (InputException e) {
      throw new EngineException(e.code(), e.getMessage(), e);
    } catch (IOException | IllegalArgumentException e) {
      throw new EngineException(
          "fetch_failed", field + " could not be read to send it inline: " + e.getMessage(), e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // a temporary file
        }
      }
    }
  }
}
