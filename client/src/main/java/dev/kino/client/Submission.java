package dev.kino.client;

import java.util.Optional;

/**
 * What a submit answers: the request id and where to follow it. {@code eventsUrl} is Kino's (absent
 * on servers that only speak the seed API); it carries a token, so it opens without the key (e.g.
 * in a browser).
 */
public record Submission(
    String requestId,
    String statusUrl,
    String resultUrl,
    String cancelUrl,
    Optional<String> eventsUrl) {}
