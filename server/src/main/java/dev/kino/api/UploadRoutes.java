package dev.kino.api;

import dev.kino.inputs.InputException;
import dev.kino.models.FieldProblem;
import dev.kino.storage.DiskSpace;
import dev.kino.storage.StoredFile;
import dev.kino.uploads.Upload;
import dev.kino.uploads.Uploads;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/files}: upload an input file (multipart field {@code file}, or the raw body), look it
 * up, list, download and delete it. An upload's {@code url} works in any {@code *_url} field of the
 * same key's requests.
 */
final class UploadRoutes {
  private final Uploads uploads;
  private final Links links;
  private final DiskSpace disk;

  UploadRoutes(Uploads uploads, Links links, DiskSpace disk) {
    this.uploads = uploads;
    this.links = links;
    this.disk = disk;
  }

  void create(Context ctx) {
    disk.requireRoom();
    String owner = Authenticator.caller(ctx).ownerId();
    try {
      Upload upload;
      if (ctx.isMultipartFormData()) {
        UploadedFile file = multipartFile(ctx);
        if (file == null) {
          throw new ApiException(
              400,
              400004,
              "missing_file",
              "send the file in a multipart field named \"file\", or as the raw request body");
        }
        try (InputStream in = file.content()) {
          upload = uploads.accept(owner, file.filename(), in);
        }
      } else {
        upload = uploads.accept(owner, ctx.queryParam("filename"), ctx.bodyInputStream());
      }
      Responses.json(ctx, 201, view(ctx, upload));
    } catch (InputException e) {
      throw refused(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The multipart field {@code file}; Jetty's refusals of the multipart body become client errors.
   */
  private static UploadedFile multipartFile(Context ctx) {
    try {
      return ctx.uploadedFile("file");
    } catch (Exception e) { // Javalin passes on Jetty's checked ServletException undeclared
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof IllegalStateException
            && String.valueOf(t.getMessage()).startsWith("max ")) {
          String limit = "uploads may be at most " + Uploads.MAX_BYTES / (1024 * 1024) + " MB";
          throw new ApiException(
              413,
              413002,
              "too_large",
              limit,
              List.of(new FieldProblem("file", "too_large", limit)));
        }
      }
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof org.eclipse.jetty.http.BadMessageException) {
          throw new ApiException(
              400,
              400005,
              "malformed_multipart",
              "the multipart body cannot be read: " + t.getMessage());
        }
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  void show(Context ctx) {
    Responses.json(ctx, 200, view(ctx, owned(ctx)));
  }

  void list(Context ctx) {
    int limit = Paging.intParam(ctx, "limit", 20, 1, 100);
    int offset = Paging.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    List<Upload> page = uploads.list(Authenticator.caller(ctx).ownerId(), limit, offset);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ArrayNode files = body.putArray("files");
    page.forEach(u -> files.add(view(ctx, u)));
    body.put("limit", limit);
    body.put("offset", offset);
    Responses.json(ctx, 200, body);
  }

  void content(Context ctx) {
    Upload upload = owned(ctx);
    StoredFile stored =
        uploads
            .content(upload)
            .orElseThrow(
                () -> ApiException.notFound("file_not_found", "the file is no longer stored"));
    FileRoutes.serve(ctx, new StoredFile(stored.path(), stored.size(), upload.contentType()));
  }

  void delete(Context ctx) {
    Upload upload = owned(ctx);
    try {
      uploads.delete(upload.id(), upload.owner());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("file_id", upload.id());
    body.put("deleted", true);
    Responses.json(ctx, 200, body);
  }

  private Upload owned(Context ctx) {
    String id = ctx.pathParam("file_id");
    try {
      UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiException.badIdentifier("file id", id);
    }
    return uploads
        .find(id, Authenticator.caller(ctx).ownerId())
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "file_not_found", "no file " + id + " for this API key (it may have expired)"));
  }

  private ObjectNode view(Context ctx, Upload u) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("file_id", u.id());
    body.put("url", links.upload(links.base(ctx), u.id()));
    body.put("filename", u.filename());
    body.put("content_type", u.contentType());
    body.put("bytes", u.bytes());
    body.put("sha256", u.sha256());
    body.put("created_at", u.createdAt().toString());
    body.put("expires_at", u.expiresAt().toString());
    return body;
  }

  /**
   * An upload refused for its content: 413 when too large, 415 when not a supported format, else
   * 422.
   */
  private static ApiException refused(InputException e) {
    List<FieldProblem> problem = List.of(new FieldProblem("file", e.code(), e.getMessage()));
    return switch (e.code()) {
      case "too_large" -> new ApiException(413, 413002, "too_large", e.getMessage(), problem);
      case "unsupported_format" ->
          new ApiException(415, 415002, "unsupported_format", e.getMessage(), problem);
      default -> new ApiException(422, 422002, e.code(), e.getMessage(), problem);
    };
  }
}
