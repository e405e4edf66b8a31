package dev.kino.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web app, served by Kino itself on the API's port: one page shell for every page (the
 * catalogue, a model's playground, the library and a generation, keys, usage, sign-in), and its
 * scripts and styles from the jar. The page's script renders each page through the {@code /v1} API
 * with the session cookie; no library, no build step. The pages' policy allows only the server's
 * own scripts and styles: nothing inline, no handler attributes, no frames.
 */
public final class WebApp {
  /**
   * What a page may load: its own scripts and styles only; images and videos also from wherever the
   * outputs are served (a bucket's presigned URLs) and uploads being previewed; calls to this
   * server.
   */
  static final String PAGE_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: http:"
          + " https:; media-src 'self' blob: http: https:; connect-src 'self'; form-action 'self';"
          + " base-uri 'none'; frame-ancestors 'none'";

  private static final String[] PAGES = {
    "/",
    "/sign-in",
    "/playground/<model_id>",
    "/library",
    "/library/{request_id}",
    "/keys",
    "/usage"
  };

  private static final Pattern ASSET = Pattern.compile("[a-z0-9-]+\\.(js|css|svg|png)");
  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png");

  private final Map<String, byte[]> files = new ConcurrentHashMap<>();

  public void register(RoutesConfig routes) {
    for (String page : PAGES) {
      routes.get(page, this::page);
    }
    routes.get("/assets/{name}", this::asset);
  }

  private void page(Context ctx) {
    ctx.header("Content-Security-Policy", PAGE_POLICY);
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("text/html; charset=utf-8").result(read("index.html").orElseThrow());
  }

  private void asset(Context ctx) {
    String name = ctx.pathParam("name");
    Optional<byte[]> bytes =
        ASSET.matcher(name).matches() ? read("assets/" + name) : Optional.empty();
    if (bytes.isEmpty()) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("no such file");
      return;
    }
    String extension = name.substring(name.lastIndexOf('.') + 1);
    // Checked again on every load (no-cache), so a new version of Kino is never shown old scripts.
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType(TYPES.get(extension)).result(bytes.get());
  }

  /** A file of the web app from the jar, kept after its first read. */
  private Optional<byte[]> read(String path) {
    byte[] cached = files.get(path);
    if (cached != null) {
      return Optional.of(cached);
    }
    try (InputStream in = WebApp.class.getResourceAsStream("/web/" + path)) {
      if (in == null) {
        return Optional.empty();
      }
      byte[] bytes = in.readAllBytes();
      files.put(path, bytes);
      return Optional.of(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the web app's " + path, e);
    }
  }
}
