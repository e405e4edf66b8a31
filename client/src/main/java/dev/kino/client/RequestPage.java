package dev.kino.client;

import java.util.List;
import java.util.Optional;

/** One page of the caller's requests, newest first; {@code nextCursor} fetches the next. */
public record RequestPage(List<RequestStatus> requests, Optional<String> nextCursor) {}
