package dev.kino.api;

import dev.kino.jobs.SubmitLimits;
import dev.kino.models.Model;
import dev.kino.requests.Submission;
import dev.kino.storage.FileStore;
import dev.kino.storage.UrlSigner;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Builds the absolute URLs the API returns: from {@code --public-url} when set (behind a proxy),
 * otherwise from the request's own scheme and Host, so a client that reached the server gets links
 * that reach it too.
 */
final class Links {
  private final Optional<URI> publicUrl;
  private final UrlSigner signer;
  private final FileStore files;
  private final Duration fileUrlTtl;
  private final Clock clock;
  private final EventTokens tokens;

  Links(
      Optional<URI> publicUrl,
      UrlSigner signer,
      FileStore files,
      Duration fileUrlTtl,
      Clock clock) {
    this.files = files;
    this.tokens = new EventTokens(signer);
    this.publicUrl = publicUrl;
    this.signer = signer;
    this.fileUrlTtl = fileUrlTtl;
    this.clock = clock;
  }

  String base(Context ctx) {
    return publicBase().orElseGet(() -> requestBase(ctx));
  }

  private Optional<String> publicBase() {
    return publicUrl
        .map(URI::toString)
        .map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
  }

  private static String requestBase(Context ctx) {
    String host = ctx.header("Host");
    if (host == null || host.isBlank()) {
      host = ctx.req().getLocalAddr() + ":" + ctx.req().getLocalPort();
    }
    return ctx.scheme() + "://" + host;
  }

  /**
   * What the caller of this request submits to {@code model}: the body, the caller's key and its
   * limits, the request's {@code Idempotency-Key}, and the base its links are made on. Every
   * dialect's submit goes through this.
   */
  Submission submission(Context ctx, Model model, JsonNode body) {
    Caller caller = Authenticator.caller(ctx);
    return new Submission(
        model,
        body,
        caller.ownerId(),
        SubmitLimits.of(caller.limits()),
        RequestBodies.idempotencyKey(ctx),
        base(ctx));
  }

  /**
   * The base for links in something sent later (a webhook): {@code --public-url} when set, else the
   * base the client used when it submitted.
   */
  String base(String submittedFrom) {
    return publicBase().orElse(submittedFrom);
  }

  String request(String base, String requestId, String action) {
    return base + "/v1/requests/" + requestId + "/" + action;
  }

  /**
   * A URL for a stored file that works without the Bearer header until it expires: the store's own
   * (S3's presigned URL, so the bytes never pass through Kino) or Kino's signed {@code /files} URL.
   */
  String file(String base, String key) {
    return files
        .directUrl(key, fileUrlTtl)
        .map(URI::toString)
        .orElseGet(
            () ->
                base + "/files/" + key + "?" + signer.query(key, clock.instant().plus(fileUrlTtl)));
  }

  /**
   * The request's events stream with a token, so it opens without the Bearer header (EventSource).
   */
  /** An upload's content URL: what the input checks know as the key's own uploaded file. */
  String upload(String base, String uploadId) {
    return base + "/v1/files/" + uploadId + "/content";
  }

  /**
   * Replicate's stream URL of a prediction: opened without the key (the client fetches it bare),
   * with the same signed token as {@link #events}.
   */
  String replicateStream(String base, String requestId, String owner) {
    return base
        + "/replicate/v1/predictions/"
        + requestId
        + "/stream?token="
        + tokens.issue(requestId, owner, clock.instant().plus(fileUrlTtl));
  }

  /**
   * Where fal's client sends a file it uploads (without its key: the signed token carries the key's
   * owner), keeping the file name it gave.
   */
  String falUpload(String base, String uploadId, String owner, String fileName) {
    return base
        + "/fal/storage/upload/"
        + uploadId
        + "?name="
        + java.net.URLEncoder.encode(fileName, java.nio.charset.StandardCharsets.UTF_8)
        + "&token="
        + tokens.issue(
            Authenticator.uploadSubject(uploadId), owner, clock.instant().plus(UPLOAD_WINDOW));
  }

  /** How long an initiated fal upload may take to arrive. */
  private static final Duration UPLOAD_WINDOW = Duration.ofMinutes(15);

  String events(String base, String requestId, String owner) {
    return request(base, requestId, "events")
        + "?token="
        + tokens.issue(requestId, owner, clock.instant().plus(fileUrlTtl));
  }
}
