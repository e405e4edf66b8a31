package dev.kino.webhooks;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How many sends each receiver (scheme, host and port of its URL) may have in flight, so one that
 * hangs holds a small share of the senders and every other receiver's messages go on: {@link
 * #SHARE} at once normally, one while it is backing off after a send that got no answer. Thread
 * safe.
 */
final class Destinations {
  static final int SHARE = 4;
  static final Duration BACK_OFF = Duration.ofMinutes(1);

  private final Clock clock;
  private final Map<String, Integer> inFlight = new HashMap<>();
  private final Map<String, Instant> quietUntil = new HashMap<>();

  Destinations(Clock clock) {
    this.clock = clock;
  }

  /** Takes a place for a send to this URL's receiver; false when it has its share already. */
  synchronized boolean tryAcquire(String url) {
    String destination = of(url);
    Instant backingOff = quietUntil.get(destination);
    int limit = backingOff != null && clock.instant().isBefore(backingOff) ? 1 : SHARE;
    int current = inFlight.getOrDefault(destination, 0);
    if (current >= limit) {
      return false;
    }
    inFlight.put(destination, current + 1);
    return true;
  }

  /** Gives the place back; {@code answered} false (a timeout, a refused connection) backs off. */
  synchronized void release(String url, boolean answered) {
    String destination = of(url);
    inFlight.merge(destination, -1, Integer::sum);
    if (inFlight.get(destination) <= 0) {
      inFlight.remove(destination);
    }
    if (answered) {
      quietUntil.remove(destination);
    } else {
      quietUntil.put(destination, clock.instant().plus(BACK_OFF));
    }
  }

  private static String of(String url) {
    try {
      URI uri = URI.create(url);
      return (uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort())
          .toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return url;
    }
  }
}
