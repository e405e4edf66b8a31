package dev.kino.config;

import java.util.List;
import java.util.Locale;

/**
 * What the HTTP API accepts from a client beyond the seed routes' own rules.
 *
 * @param allowedHosts host names (besides loopback and the address a request arrived on) that a
 *     request's {@code Host} header may name when there is no {@code --public-url}: links in
 *     answers are built from it, so another name is refused rather than echoed into signed links
 * @param maxJsonBytes the largest JSON request body (413 beyond it)
 */
public record HttpSettings(List<String> allowedHosts, int maxJsonBytes) {
  public static final int DEFAULT_MAX_JSON_BYTES = 8_000_000;
  public static final HttpSettings DEFAULTS = new HttpSettings(List.of(), DEFAULT_MAX_JSON_BYTES);

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
  }
}
