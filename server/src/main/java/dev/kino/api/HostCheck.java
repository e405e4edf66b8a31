package dev.kino.api;

import dev.kino.config.HttpSettings;
import dev.kino.models.FieldProblem;
import io.javalin.http.Context;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Without {@code --public-url}, the links in answers (signed file URLs among them) are built from
 * the request's {@code Host}; a Host naming some other site would have Kino sign links to it. So a
 * request must name this server: a loopback name or address, the address it arrived on, the address
 * Kino listens on, or a host the operator allowed ({@code --allowed-host}).
 */
final class HostCheck {
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");

  private final boolean publicUrlSet;
  private final Set<String> allowed;

  HostCheck(Optional<URI> publicUrl, String listenHost, HttpSettings http) {
    this.publicUrlSet = publicUrl.isPresent();
    Set<String> names = new HashSet<>(LOOPBACK);
    names.addAll(http.allowedHosts());
    if (!listenHost.equals("0.0.0.0") && !listenHost.equals("::")) {
      names.add(bare(listenHost));
    }
    this.allowed = Set.copyOf(names);
  }

  void check(Context ctx) {
    if (publicUrlSet) {
      return; // links come from --public-url; the Host plays no part
    }
    String host = ctx.header("Host");
    if (host == null || host.isBlank()) {
      return; // HTTP/1.0 without Host: links use the address the request arrived on
    }
    String name = bare(host);
    if (allowed.contains(name) || name.equals(bare(ctx.req().getLocalAddr()))) {
      return;
    }
    throw new ApiException(
        400,
        400009,
        "host_not_allowed",
        "this server does not answer to the name \""
            + name
            + "\"; its operator can allow it with --allowed-host "
            + name
            + ", or set --public-url",
        List.of(new FieldProblem("Host", "not_allowed", "names a host this server is not")));
  }

  /** The host of a Host header or address, without port or IPv6 brackets, in lower case. */
  private static String bare(String hostAndPort) {
    String h = hostAndPort.strip().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 ? h.substring(1, end) : h;
    }
    int colon = h.indexOf(':');
    // One colon: host:port. More: a bare IPv6 address (as getLocalAddr gives it).
    return colon > 0 && h.indexOf(':', colon + 1) < 0 ? h.substring(0, colon) : h;
  }
}
