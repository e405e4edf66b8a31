package dev.kino.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A request being followed in the background (a virtual thread); closing it stops the following.
 */
public final class Subscription implements AutoCloseable {
  private final Thread thread;
  private final CompletableFuture<RequestState> end;

  private Subscription(Thread thread, CompletableFuture<RequestState> end) {
    this.thread = thread;
    this.end = end;
  }

  static Subscription start(Supplier<RequestState> follow) {
    CompletableFuture<RequestState> end = new CompletableFuture<>();
    Thread thread =
        Thread.ofVirtual()
            .name("kino-subscription")
            .start(
                () -> {
                  try {
                    end.complete(follow.get());
                  } catch (RuntimeException e) {
                    end.completeExceptionally(e);
                  }
                });
    return new Subscription(thread, end);
  }

  /** Completes with the request's final state, or with the error that stopped the following. */
  public CompletableFuture<RequestState> finalState() {
    return end;
  }

  /** Waits for the final state until the deadline; empty if it has not come by then. */
  Optional<RequestState> awaitUntil(Instant deadline) {
    try {
      long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
      return Optional.of(end.get(millis, TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new KinoException("following the request failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KinoException("interrupted while waiting for a request", e);
    }
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
