package dev.kino.inputs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Where every {@code *_url} input becomes a local file: inline {@code data:} URIs are decoded, this
 * server's upload URLs are read from storage, and anything else is fetched over the network under
 * the address policy, through a short-lived cache. Also the submit-time check of the same URLs, so
 * most problems are reported before a job is accepted.
 */
public final class InputFiles implements AutoCloseable {
  /** How long a fetched input is reused without asking its server again. */
  public static final Duration CACHE_FRESH_FOR = Duration.ofMinutes(10);

  static final long CACHE_MAX_BYTES = 2L * 1024 * 1024 * 1024;

  private final UrlFetcher fetcher;
  private final UploadedFiles uploads;
  private final InputCache cache;

  public InputFiles(UrlFetcher fetcher, UploadedFiles uploads, Path cacheDir, Clock clock) {
    this(fetcher, uploads, new InputCache(cacheDir, CACHE_FRESH_FOR, CACHE_MAX_BYTES, clock));
  }

  InputFiles(UrlFetcher fetcher, UploadedFiles uploads, InputCache cache) {
    this.fetcher = fetcher;
    this.uploads = uploads;
    this.cache = cache;
  }

  /** For tools and tests: network fetches only, cached in a fresh temporary directory. */
  public static InputFiles fetchingOnly(UrlFetcher fetcher) {
    try {
      return new InputFiles(
          fetcher,
          UploadedFiles.NONE,
          Files.createTempDirectory("kino-input-cache-"),
          Clock.systemUTC());
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a temporary input cache", e);
    }
  }

  /**
   * Checks a URL when a request is submitted by {@code owner}: a data: URI must decode to an image
   * or a video within the size limit, an upload URL must name one of the owner's own files, and any
   * other URL must pass the address policy with its host resolved now. A redirect to a forbidden
   * address can only show when the job fetches; it then fails the job with the same code.
   */
  public void checkAtSubmit(String field, String url, String owner) throws InputException {
    if (DataUri.is(url)) {
      byte[] bytes = DataUri.decode(field, url);
      if (ImageFormat.sniff(bytes).isEmpty() && VideoContainer.sniff(bytes).isEmpty()) {
        throw new InputException(
            "unsupported_format",
            field,
            DataUri.shortened(url),
            "the inline data is not a JPEG, PNG, BMP or WebP image, nor a video");
      }
      return;
    }
    Optional<UploadedFiles.Named> upload = uploads.named(url);
    if (upload.isPresent()) {
      if (!upload.get().owner().equals(owner)) {
        throw new InputException(
            "file_not_found",
            field,
            url,
            "no uploaded file " + upload.get().id() + " for this API key");
      }
      return;
    }
    fetcher.checkResolved(field, url);
  }

  /**
   * The address checks alone, with the host resolved now (no data: URIs, no uploads): for URLs that
   * Kino will call rather than read, such as webhook targets.
   */
  public void checkCallTarget(String field, String url) throws InputException {
    fetcher.checkResolved(field, url);
  }

  /** The input as a private local file of at most {@code maxBytes}; the caller closes it. */
  public LocalInput open(String field, String url, long maxBytes)
      throws InputException, InterruptedException {
    try {
      if (DataUri.is(url)) {
        byte[] bytes = DataUri.decode(field, url);
        requireSize(field, DataUri.shortened(url), bytes.length, maxBytes);
        Path file = Files.createTempFile("kino-input-", ".bin");
        Files.write(file, bytes);
        return LocalInput.own(file);
      }
      Optional<UploadedFiles.Found> upload = uploads.find(url);
      if (upload.isPresent()) {
        requireSize(field, url, upload.get().bytes(), maxBytes);
        return LocalInput.copyOf(upload.get().path());
      }
      return LocalInput.copyOf(fetchThroughCache(field, url, maxBytes).file());
    } catch (IOException e) {
      throw new InputException(
          "fetch_failed", field, url, "cannot prepare the input file: " + e.getMessage());
    }
  }

  private InputCache.Entry fetchThroughCache(String field, String url, long maxBytes)
      throws InputException, InterruptedException, IOException {
    Optional<InputCache.Entry> held = cache.find(url);
    if (held.isPresent() && cache.isFresh(held.get())) {
      requireSize(field, url, held.get().bytes(), maxBytes);
      return held.get();
    }
    UrlFetcher.Validators validators =
        held.map(InputCache.Entry::validators).orElse(UrlFetcher.Validators.NONE);
    UrlFetcher.Download download = fetcher.fetch(field, url, maxBytes, validators);
    if (download.file() == null) {
      requireSize(field, url, held.orElseThrow().bytes(), maxBytes);
      return cache.revalidated(url, held.orElseThrow());
    }
    try {
      return cache.put(url, download.file(), download.validators());
    } finally {
      UrlFetcher.deleteQuietly(download.file());
    }
  }

  private static void requireSize(String field, String url, long bytes, long maxBytes)
      throws InputException {
    if (bytes > maxBytes) {
      throw new InputException(
          "too_large",
          field,
          url,
          "the file at " + url + " is larger than " + maxBytes / (1024 * 1024) + " MB");
    }
  }

  @Override
  public void close() {
    fetcher.close();
  }
}
