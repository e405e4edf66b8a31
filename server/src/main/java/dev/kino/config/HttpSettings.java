package dev.kino.config;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * What the HTTP API accepts from a client beyond the seed routes' own rules.
 *
 * @param allowedHosts host names (besides loopback and the address a request arrived on) that a
 *     request's {@code Host} header may name when there is no {@code --public-url}: links in
 *     answers are built from it, so another name is refused rather than echoed into signed links
 * @param maxJsonBytes the largest JSON request body (413 beyond it)
 * @param metricsPort where {@code GET /metrics} is also served, on loopback without a key (0: any
 *     free port); empty: only {@code /metrics} on the API's port, for an admin key
 */
public record HttpSettings(List<String> allowedHosts, int maxJsonBytes, OptionalInt metricsPort) {
  public static final int DEFAULT_MAX_JSON_BYTES = 8_000_000;
  public static final HttpSettings DEFAULTS = new HttpSettings(List.of(), DEFAULT_MAX_JSON_BYTES);

  public HttpSettings(List<String> allowedHosts, int maxJsonBytes) {
    this(allowedHosts, maxJsonBytes, OptionalInt.empty());
  }

  /** The same, with {@code /metrics} also on loopback at {@code port}. */
  public HttpSettings withMetricsPort(int port) {
    return new HttpSettings(allowedHosts, maxJsonBytes, OptionalInt.of(port));
  }

  public HttpSettings {
    allowedHosts =
        allowedHosts.stream()
            .map(String::strip)
            .filter(h -> !h.isEmpty())
            .map(h -> h.toLowerCase(Locale.ROOT))
            .toList();
    if (maxJsonBytes < 64_000 || maxJsonBytes > 100_000_000) {
      throw new ConfigException(
          "--max-json-bytes must be between 64000 and 100000000, got " + maxJsonBytes);
    }
    if (metricsPort.isPresent() && (metricsPort.getAsInt() < 0 || metricsPort.getAsInt() > 65535)) {
      throw new ConfigException(
          "--metrics-port must be between 1 and 65535, got " + metricsPort.getAsInt());
    }
  }
}
