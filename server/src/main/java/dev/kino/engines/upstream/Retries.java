package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.Failures;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Waits between failed calls to a provider within one run: as long as a busy provider asks, or
 * growing while it is unreachable, until it has been unreachable too long for this attempt.
 */
final class Retries {
  /** How long a provider may stay unreachable (restarting, say) before the attempt gives up. */
  private static final Duration UNREACHABLE_FOR = Duration.ofMinutes(2);

  private final Consumer<String> log;
  private long unreachableSince = -1;
  private Duration backoff = Duration.ofMillis(500);

  Retries(Consumer<String> log) {
    this.log = log;
  }

  void reset() {
    unreachableSince = -1;
    backoff = Duration.ofMillis(500);
  }

  void busy(ProviderHttp.Busy e) throws InterruptedException {
    Duration wait = e.retryAfter.orElse(Duration.ofSeconds(2));
    log.accept(
        "the provider is busy ("
            + e.getMessage()
            + "); trying again in "
            + wait.toSeconds()
            + " s");
    Thread.sleep(wait);
  }

  void unreachable(IOException e) throws EngineException, InterruptedException {
    long now = System.nanoTime();
    if (unreachableSince < 0) {
      unreachableSince = now;
      log.accept("the provider cannot be reached (" + e.getMessage() + "); trying again");
    } else if (now - unreachableSince > UNREACHABLE_FOR.toNanos()) {
      throw EngineException.retryable(
          Failures.UNAVAILABLE,
          "the provider could not be reached for "
              + UNREACHABLE_FOR.toMinutes()
              + " minutes: "
              + e.getMessage(),
          e);
    }
    Thread.sleep(backoff);
    backoff =
        backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
            ? Duration.ofSeconds(10)
            : backoff.multipliedBy(2);
  }
}
