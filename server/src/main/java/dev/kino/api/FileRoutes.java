package dev.kino.api;

import dev.kino.storage.BoundedInputStream;
import dev.kino.storage.FileStore;
import dev.kino.storage.StoredFile;
import dev.kino.storage.UrlSigner;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Serves stored files at signed, expiring URLs (no Bearer header, like presigned URLs), with HTTP
 * Range support so players can seek.
 */
final class FileRoutes {
  private final FileStore files;
  private final UrlSigner signer;
  private final Clock clock;

  FileRoutes(FileStore files, UrlSigner signer, Clock clock) {
    this.files = files;
    this.signer = signer;
    this.clock = clock;
  }

  /**
   * The file, or where the store serves it itself (S3: a short-lived presigned URL; the bytes skip
   * Kino).
   */
  void get(Context ctx) {
    String key = signedKey(ctx);
    Optional<URI> direct = files.directUrl(key, REDIRECT_TTL);
    if (direct.isPresent()) {
      ctx.header("Cache-Control", "no-store");
      ctx.redirect(direct.get().toString(), HttpStatus.FOUND);
      return;
    }
    serve(ctx, stored(key));
  }

  private static final Duration REDIRECT_TTL = Duration.ofMinutes(10);

  /** Sends a stored file, whole or the byte range asked for. */
  static void serve(Context ctx, StoredFile file) {
    ctx.header("Accept-Ranges", "bytes");
    ctx.header("Cache-Control", "private, max-age=3600");
    ctx.contentType(file.contentType());
    Optional<ByteRange> range;
    try {
      range = ByteRange.parse(ctx.header("Range"), file.size());
    } catch (ByteRange.Unsatisfiable e) {
      ctx.header("Content-Range", "bytes */" + file.size());
      ctx.status(416).result(new byte[0]);
      return;
    }
    try {
      InputStream in = Files.newInputStream(file.path());
      if (range.isEmpty()) {
        ctx.header("Content-Length", Long.toString(file.size()));
        ctx.status(200).result(in);
        return;
      }
      ByteRange r = range.get();
      in.skipNBytes(r.first());
      ctx.header("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + file.size());
      ctx.header("Content-Length", Long.toString(r.length()));
      ctx.status(206).result(new BoundedInputStream(in, r.length()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void head(Context ctx) {
    StoredFile file = authorised(ctx);
    ctx.header("Accept-Ranges", "bytes");
    ctx.header("Content-Length", Long.toString(file.size()));
    ctx.contentType(file.contentType()).status(200);
  }

  private StoredFile authorised(Context ctx) {
    return stored(signedKey(ctx));
  }

  private String signedKey(Context ctx) {
    String key = ctx.pathParam("key");
    if (!signer.isValid(
        key, ctx.queryParam("expires"), ctx.queryParam("signature"), clock.instant())) {
      throw new ApiException(
          403,
          403001,
          "invalid_signature",
          "this file link is invalid or has expired; fetch the result again for a fresh link");
    }
    return key;
  }

  private StoredFile stored(String key) {
    return files
        .find(key)
        .orElseThrow(() -> ApiException.notFound("file_not_found", "the file is no longer stored"));
  }
}
