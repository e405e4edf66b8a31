package dev.kino.client;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Something that happened to a request, from Kino's events stream or, on servers without one, from
 * polling.
 *
 * @param type {@code status}, {@code progress}, {@code log} or {@code queue} (a queue position seen
 *     by polling)
 * @param state the request's state as of this event
 * @param progress for {@code progress}: 0..1
 * @param queuePosition for {@code queue}: requests ahead
 * @param message for {@code log}: the line
 */
public record RequestEvent(
    String requestId,
    String type,
    RequestState state,
    Optional<Double> progress,
    OptionalLong queuePosition,
    Optional<String> message) {

  /** True for the event after which nothing more happens. */
  public boolean isFinal() {
    return type.equals("status") && state.isFinal();
  }
}
