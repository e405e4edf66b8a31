package dev.kino.api;

import dev.kino.storage.FileStore;
import dev.kino.storage.StoredFile;
import dev.kino.storage.UrlSigner;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;

/**
 * Serves stored files at signed, expiring URLs (no Bearer header, like presigned URLs), with HTTP Range
 * support so players can seek.
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

  void get(Context ctx) {
    StoredFile file = authorised(ctx);
    ctx.header("Accept-Ranges", "bytes");
    ctx.header("Cache-Control", "private, max-age=3600");
    try {
      ctx.writeSeekableStream(Files.newInputStream(file.path()), file.contentType(), file.size());
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
    String key = ctx.pathParam("key");
    if (!signer.isValid(key, ctx.queryParam("expires"), ctx.queryParam("signature"), clock.instant())) {
      throw new ApiException(403, 403001, "invalid_signature", "this file link is invalid or has expired; fetch the result again for a fresh link");
    }
    return files.find(key).orElseThrow(() -> ApiException.notFound("file_not_found", "the file is no longer stored"));
  }
}
