package dev.kino.uploads;

import dev.kino.database.Database;
import dev.kino.inputs.InputException;
import dev.kino.inputs.MediaCheck;
import dev.kino.inputs.UploadedFiles;
import dev.kino.inputs.VideoInputs;
import dev.kino.storage.FileStore;
import dev.kino.storage.StoredFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files uploaded with {@code POST /v1/files}: taken in under the input limits and content checks,
 * kept in the file store for {@code ttl}, visible only to the key that uploaded them, and readable
 * by jobs through their URL ({@code .../v1/files/<id>/content}) without any network fetch.
 */
public final class Uploads implements UploadedFiles {
  /**
   * The largest upload: the seeds' video limit (images are held to their own 50 MB after
   * recognition).
   */
  public static final long MAX_BYTES = VideoInputs.MAX_VIDEO_BYTES;

  private static final Pattern CONTENT_PATH =
      Pattern.compile(
          ".*/v1/files/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/content");

  private final UploadStore store;
  private final FileStore files;
  private final Clock clock;
  private final Duration ttl;

  public Uploads(Database db, FileStore files, Clock clock, Duration ttl) {
    this.store = new UploadStore(db);
    this.files = files;
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * Stores the body as an upload of {@code owner}, or refuses it ({@code too_large}, {@code
   * unsupported_format}, ...).
   */
  public Upload accept(String owner, String filename, InputStream body)
      throws InputException, IOException {
    return accept(UUID.randomUUID(), owner, filename, body);
  }

  /**
   * As {@link #accept(String, String, InputStream)}, under an id chosen before the bytes came (a
   * client told where the file will be before it sends it, as fal's storage does).
   */
  public Upload accept(UUID chosen, String owner, String filename, InputStream body)
      throws InputException, IOException {
    String name = safeName(filename);
    Path temp = Files.createTempFile("kino-upload-", ".bin");
    try {
      MessageDigest digest = sha256();
      long bytes = copyAtMost(new DigestInputStream(body, digest), temp, name);
      if (bytes == 0) {
        throw new InputException("empty_file", "file", name, "the upload is empty");
      }
      String contentType = MediaCheck.inspect("file", name, temp, bytes);
      String id = chosen.toString();
      Instant now = clock.instant();
      Upload upload =
          new Upload(
              id,
              owner,
              "uploads/" + id + "/" + name,
              name,
              contentType,
              bytes,
              HexFormat.of().formatHex(digest.digest()),
              now,
              now.plus(ttl));
      files.put(upload.storageKey(), temp);
      store.insert(upload);
      return upload;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The owner's upload with this id, unless it has expired. */
  public Optional<Upload> find(String id, String owner) {
    return live(id).filter(u -> u.owner().equals(owner));
  }

  public List<Upload> list(String owner, int limit, int offset) {
    Instant now = clock.instant();
    return store.byOwner(owner, limit, offset).stream()
        .filter(u -> u.expiresAt().isAfter(now))
        .toList();
  }

  /** Deletes the owner's upload; false when there is none. */
  public boolean delete(String id, String owner) throws IOException {
    Optional<Upload> upload = find(id, owner);
    if (upload.isEmpty()) {
      return false;
    }
    remove(upload.get());
    return true;
  }

  /** Deletes expired uploads and their bytes; returns how many went. */
  public int sweepExpired() throws IOException {
    int removed = 0;
    for (List<Upload> batch = store.expired(clock.instant(), 500);
        !batch.isEmpty();
        batch = store.expired(clock.instant(), 500)) {
      for (Upload upload : batch) {
        remove(upload);
        removed++;
      }
    }
    return removed;
  }

  /** The stored bytes of an upload. */
  public Optional<StoredFile> content(Upload upload) {
    return files.find(upload.storageKey());
  }

  @Override
  public Optional<UploadedFiles.Found> find(String url) {
    return uploadNamedBy(url)
        .flatMap(
            u ->
                files
                    .find(u.storageKey())
                    .map(f -> new UploadedFiles.Found(u.id(), u.owner(), f.path(), u.bytes())));
  }

  @Override
  public Optional<UploadedFiles.Named> named(String url) {
    return uploadNamedBy(url)
        .filter(u -> files.exists(u.storageKey()))
        .map(u -> new UploadedFiles.Named(u.id(), u.owner()));
  }

  private Optional<Upload> uploadNamedBy(String url) {
    Matcher m;
    try {
      String path = URI.create(url).getPath();
      m = CONTENT_PATH.matcher(path == null ? "" : path);
    } catch (IllegalArgumentException notAUri) {
      return Optional.empty();
    }
    if (!m.matches()) {
      return Optional.empty();
    }
    return live(m.group(1));
  }

  private Optional<Upload> live(String id) {
    Instant now = clock.instant();
    return store.find(id).filter(u -> u.expiresAt().isAfter(now));
  }

  private void remove(Upload upload) throws IOException {
    store.delete(upload.id());
    files.delete(upload.storageKey());
  }

  private static long copyAtMost(InputStream in, Path target, String name)
      throws IOException, InputException {
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream source = in;
        OutputStream out = Files.newOutputStream(target)) {
      int n;
      while ((n = source.read(buffer)) > 0) {
        total += n;
        if (total > MAX_BYTES) {
          throw new InputException(
              "too_large",
              "file",
              name,
              "uploads may be at most " + MAX_BYTES / (1024 * 1024) + " MB");
        }
        out.write(buffer, 0, n);
      }
    }
    return total;
  }

  /** A file name safe as the last part of a storage key: letters, digits, dot, dash, underscore. */
  static String safeName(String filename) {
    String base =
        filename == null
            ? ""
            : filename.substring(
                Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
    String safe =
        base.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("\\.{2,}", ".").replaceAll("^[.]+", "");
    if (safe.length() > 100) {
      safe = safe.substring(safe.length() - 100);
    }
    return safe.isEmpty() ? "upload" : safe;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
