package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.OutputFile;
import dev.kino.inputs.InputException;
import dev.kino.inputs.MediaCheck;
import dev.kino.inputs.UrlFetcher;
import dev.kino.inputs.VideoInputs;
import dev.kino.media.FileType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A provider's output URLs expire, so Kino keeps the files: each URL of the seed output shape
 * ({@code video}, {@code videos}, {@code image}, {@code images}; a URL or an object with {@code
 * url}) is fetched under the same address policy, size limits and content checks as an input URL,
 * once even when listed twice, into the run's work directory.
 */
final class ProviderOutputs {
  private final UrlFetcher fetcher;

  ProviderOutputs(UrlFetcher fetcher) {
    this.fetcher = fetcher;
  }

  List<OutputFile> download(JsonNode output, Path workDir)
      throws EngineException, InterruptedException {
    Map<String, String> urls = new LinkedHashMap<>(); // url -> field, videos first
    for (String field : new String[] {"video", "image"}) {
      collect(output.path(field), field, urls);
      output.path(field + "s").forEach(item -> collect(item, field, urls));
    }
    if (urls.isEmpty()) {
      throw new EngineException(
          "no_output", "the provider reported the request completed without any output URL");
    }
    List<OutputFile> files = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, String> entry : urls.entrySet()) {
      files.add(fetch(entry.getKey(), entry.getValue(), workDir, n++));
    }
    return files;
  }

  /**
   * A URL, or a file object carrying one ({@code {"url", "content_type", ...}}, as fal answers).
   */
  private static void collect(JsonNode item, String field, Map<String, String> urls) {
    JsonNode url = item.isObject() ? item.path("url") : item;
    if (url.isString() && !url.asString().isBlank()) {
      urls.putIfAbsent(url.asString(), field);
    }
  }

  private OutputFile fetch(String url, String field, Path workDir, int n)
      throws EngineException, InterruptedException {
    Path temp = null;
    try {
      temp = fetcher.fetch(field, url, VideoInputs.MAX_VIDEO_BYTES);
      String type = MediaCheck.inspect(field, url, temp, Files.size(temp));
      Path target =
          workDir.resolve(
              field + "-" + n + FileType.ofContentType(type).map(FileType::extension).orElse(""));
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      return new OutputFile(field, target);
    } catch (InputException e) {
      throw new EngineException(
          "output_" + e.code(),
          "the provider's output " + field + " could not be kept: " + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new EngineException(
          "output_unreadable",
          "the provider's output " + field + " could not be stored: " + e.getMessage(),
          e);
    } finally {
      deleteQuietly(temp);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temporary file; the system cleans up eventually
    }
  }
}
