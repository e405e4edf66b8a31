package dev.kino.inputs;

import dev.kino.network.AddressPolicy;
import dev.kino.network.ForbiddenAddressException;
import dev.kino.network.GuardedHttpClient;
import dev.kino.network.HostResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Downloads input URLs to temporary files under the address policy: http(s) only, plain http only
 * for allowed hosts; every address checked when the client connects ({@link GuardedResolver}), so
 * DNS rebinding cannot slip between check and use; redirects followed a few hops, each hop checked
 * again; the size cap enforced while streaming (Content-Length is only used to refuse early, never
 * trusted); connect, idle and total timeouts and a minimum transfer rate ({@link FetchLimits}); no
 * content decoding (the bytes are the file); partial files always deleted.
 */
public final class UrlFetcher implements AutoCloseable {
  private static final int MAX_REDIRECTS = 3;
  private final AddressPolicy policy;
  private final HostResolver resolver;
  private final FetchLimits limits;
  private final Path downloads;
  private final HttpClient client;

  public UrlFetcher(AddressPolicy policy) {
    this(policy, HostResolver.system(), FetchLimits.DEFAULT);
  }

  public UrlFetcher(AddressPolicy policy, HostResolver resolver, FetchLimits limits) {
    this(policy, resolver, limits, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** Downloads into {@code downloads} (a test's own folder, where it can see every file left). */
  UrlFetcher(AddressPolicy policy, HostResolver resolver, FetchLimits limits, Path downloads) {
    this.policy = policy;
    this.resolver = resolver;
    this.limits = limits;
    this.downloads = downloads;
    this.client =
        GuardedHttpClient.start(
            "kino-fetch",
            policy,
            resolver,
            limits.connectTimeout(),
            limits.idleTimeout(),
            "Kino/0.1 (input fetcher)");
  }

  /**
   * The checks that need no network, for submit time: a well-formed http(s) URL whose host is not a
   * forbidden literal address or name.
   */
  public void checkStatically(String field, String url) throws InputException {
    URI uri = parse(field, url);
    String host = hostOf(uri);
    if ("http".equals(uri.getScheme()) && !policy.isAllowedName(host) && !isAllowedLiteral(host)) {
      throw forbidden(
          field,
          url,
          "plain http is refused; use https (operators can allow hosts with --fetch-allow)");
    }
    if (policy.isAllowedName(host)) {
      return;
    }
    if (policy.isForbiddenName(host)) {
      throw forbidden(field, url, "the host " + host + " is internal and may not be fetched");
    }
    if (isNonCanonicalNumeric(host)) {
      // 2130706433, 0x7f000001, 0177.1 and friends: parsers disagree on them (curl reads octal, the
      // JDK does
      // not), which is exactly what address-check bypasses exploit. Only a.b.c.d in decimal is
      // accepted.
      throw forbidden(field, url, "numeric hosts other than a plain a.b.c.d address are refused");
    }
    if (isLiteral(host)) {
      InetAddress address = literal(field, url, host);
      if (!policy.permits(host, address)) {
        throw forbidden(
            field,
            url,
            "the address " + host + " is private, loopback or reserved and may not be fetched");
      }
    }
  }

  /**
   * The static checks, then a lookup of the host with every address checked: for submit time, so
   * that a name pointing inside the network is refused before the job is accepted. A name that does
   * not resolve now is left for the fetch to report (DNS may be briefly down); the fetch checks
   * again when it connects.
   */
  public void checkResolved(String field, String url) throws InputException {
    checkStatically(field, url);
    String host = hostOf(parse(field, url));
    if (policy.isAllowedName(host) || isLiteral(host)) {
      return;
    }
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      return;
    }
    for (InetAddress address : addresses) {
      if (!policy.permits(host, address)) {
        throw forbidden(
            field,
            url,
            "the host "
                + host
                + " resolves to "
                + address.getHostAddress()
                + ", which may not be fetched");
      }
    }
  }

  /** Downloads the URL to a new temporary file, which the caller must delete. */
  public Path fetch(String field, String url, long maxBytes)
      throws InputException, InterruptedException {
    return fetch(field, url, maxBytes, Validators.NONE).file();
  }

  /**
   * Downloads the URL, sending the validators of a copy already held; when the server says the copy
   * is still current (304) the result has no file.
   */
  Download fetch(String field, String url, long maxBytes, Validators held)
      throws InputException, InterruptedException {
    long deadline = System.nanoTime() + limits.totalTimeout().toNanos();
    String current = url;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      checkStatically(field, current);
      URI uri = parse(field, current);
      InputStreamResponseListener listener = new InputStreamResponseListener();
      Request request =
          client
              .newRequest(uri)
              .method(HttpMethod.GET)
              .timeout(remainingMillis(field, url, deadline), TimeUnit.MILLISECONDS);
      request.headers(
          headers -> {
            held.etag().ifPresent(etag -> headers.put(HttpHeader.IF_NONE_MATCH, etag));
            held.lastModified().ifPresent(date -> headers.put(HttpHeader.IF_MODIFIED_SINCE, date));
          });
      request.send(listener);
      Response response = awaitHeaders(field, url, current, listener, deadline);
      int status = response.getStatus();
      if (status >= 300 && status < 400 && status != 304) {
        String location = response.getHeaders().get(HttpHeader.LOCATION);
        request.abort(new IOException("redirect not followed by the client"));
        if (location == null) {
          throw new InputException(
              "fetch_failed", field, url, current + " answered " + status + " without a Location");
        }
        current = uri.resolve(location).toString();
        continue;
      }
      if (status == 304 && !held.equals(Validators.NONE)) {
        request.abort(new IOException("not modified"));
        return new Download(null, held);
      }
      if (status != 200) {
        request.abort(new IOException("status " + status));
        throw new InputException("fetch_failed", field, url, current + " answered HTTP " + status);
      }
      long declared = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
      if (declared > maxBytes) {
        request.abort(new IOException("too large"));
        throw tooLarge(field, url, maxBytes);
      }
      Validators validators =
          new Validators(
              Optional.ofNullable(response.getHeaders().get(HttpHeader.ETAG)),
              Optional.ofNullable(response.getHeaders().get(HttpHeader.LAST_MODIFIED)));
      return new Download(
          download(field, url, request, listener.getInputStream(), maxBytes, deadline), validators);
    }
    throw new InputException(
        "fetch_failed", field, url, "more than " + MAX_REDIRECTS + " redirects from " + url);
  }

  /**
   * A downloaded file ({@code null} when the held copy is still current) and what identifies its
   * version.
   */
  record Download(Path file, Validators validators) {}

  /** What HTTP offers to ask "has it changed?" (ETag, Last-Modified). */
  record Validators(Optional<String> etag, Optional<String> lastModified) {
    static final Validators NONE = new Validators(Optional.empty(), Optional.empty());
  }

  private Response awaitHeaders(
      String field, String url, String current, InputStreamResponseListener listener, long deadline)
      throws InputException, InterruptedException {
    try {
      return listener.get(remainingMillis(field, url, deadline), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new InputException("fetch_timeout", field, url, "timed out fetching " + current);
    } catch (ExecutionException e) {
      throw failure(field, url, current, e.getCause());
    }
  }

  private Path download(
      String field, String url, Request request, InputStream body, long maxBytes, long deadline)
      throws InputException, InterruptedException {
    Path temp = null;
    try (InputStream in = body) {
      temp = Files.createTempFile(downloads, "kino-input-", ".bin");
      long started = System.nanoTime();
      long total = 0;
      byte[] buffer = new byte[64 * 1024];
      try (OutputStream out = Files.newOutputStream(temp)) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          total += n;
          if (total > maxBytes) {
            throw tooLarge(field, url, maxBytes);
          }
          out.write(buffer, 0, n);
          double seconds = (System.nanoTime() - started) / 1e9;
          if (seconds > limits.rateGrace().toSeconds()
              && total < limits.minBytesPerSecond() * seconds) {
            throw new InputException(
                "fetch_timeout",
                field,
                url,
                "the server at "
                    + url
                    + " sent "
                    + total
                    + " bytes in "
                    + Math.round(seconds)
                    + " s, slower than the minimum of "
                    + limits.minBytesPerSecond() / 1024
                    + " KB/s");
          }
          if (Thread.interrupted()) {
            throw new InterruptedException("fetch of " + url + " stopped");
          }
        }
      }
      return temp;
    } catch (IOException e) {
      deleteQuietly(temp);
      throw System.nanoTime() > deadline
          ? new InputException("fetch_timeout", field, url, "timed out downloading " + url)
          : failure(field, url, url, e);
    } catch (InputException | InterruptedException e) {
      request.abort(e);
      deleteQuietly(temp);
      throw e;
    }
  }

  private static InputException failure(String field, String url, String current, Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ForbiddenAddressException) {
        return forbidden(field, url, t.getMessage());
      }
      if (t instanceof TimeoutException) {
        return new InputException("fetch_timeout", field, url, "timed out fetching " + current);
      }
      if (t instanceof UnknownHostException) {
        return new InputException(
            "fetch_failed", field, url, "the host of " + current + " does not resolve");
      }
    }
    return new InputException(
        "fetch_failed",
        field,
        url,
        "could not fetch "
            + current
            + ": "
            + (cause == null ? "unknown error" : cause.getMessage()));
  }

  private static long remainingMillis(String field, String url, long deadline)
      throws InputException {
    long remaining = (deadline - System.nanoTime()) / 1_000_000;
    if (remaining <= 0) {
      throw new InputException("fetch_timeout", field, url, "timed out fetching " + url);
    }
    return remaining;
  }

  private static InputException tooLarge(String field, String url, long maxBytes) {
    return new InputException(
        "too_large",
        field,
        url,
        "the file at " + url + " is larger than " + maxBytes / (1024 * 1024) + " MB");
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception e) {
      // Shutting down; the connections go with the process.
    }
  }

  private static URI parse(String field, String url) throws InputException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (Exception e) {
      throw new InputException("invalid_url", field, url, "not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new InputException(
          "url_forbidden",
          field,
          url,
          "only https URLs are fetched (got " + (scheme.isEmpty() ? "no scheme" : scheme) + ")");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      String authority =
          uri.getRawAuthority() == null ? "" : uri.getRawAuthority().replaceFirst(":[0-9]*$", "");
      if (isNonCanonicalNumeric(authority.toLowerCase(Locale.ROOT))) {
        throw forbidden(field, url, "numeric hosts other than a plain a.b.c.d address are refused");
      }
      throw new InputException("invalid_url", field, url, "the URL has no host");
    }
    if (uri.getUserInfo() != null) {
      throw new InputException("invalid_url", field, url, "URLs with credentials are not fetched");
    }
    return uri;
  }

  private static String hostOf(URI uri) {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private boolean isAllowedLiteral(String host) {
    if (!isLiteral(host)) {
      return false;
    }
    try {
      return policy.isAllowedAddress(InetAddress.getByName(host));
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static boolean isNonCanonicalNumeric(String host) {
    if (!host.matches("[0-9a-fx.]+") || !host.matches(".*[0-9].*") || !host.matches("[0-9].*")) {
      return false;
    }
    return !host.matches(
        "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
  }

  /** Only the forms {@link URI} leaves for an IP literal; anything else is a name to resolve. */
  private static boolean isLiteral(String host) {
    return host.contains(":") || host.matches("[0-9.]+") || host.matches("0x[0-9a-f.x]+");
  }

  private static InetAddress literal(String field, String url, String host) throws InputException {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new InputException(
          "invalid_url", field, url, "the host " + host + " is not a valid address");
    }
  }

  private static InputException forbidden(String field, String url, String why) {
    return new InputException("url_forbidden", field, url, why);
  }

  /**
   * The first {@code count} bytes of a downloaded file (fewer if it is shorter), to recognise its
   * format.
   */
  static byte[] head(String field, String url, Path file, int count) throws InputException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(count);
    } catch (IOException e) {
      throw new InputException(
          "fetch_failed", field, url, "cannot read the downloaded file: " + e.getMessage());
    }
  }

  static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // A temporary file; the OS cleans its temp directory eventually.
      }
    }
  }
}
