package dev.kino.uploads;

import java.time.Instant;

/**
 * A file a key uploaded for use as an input; its bytes are in the file store under {@code
 * storageKey}.
 */
public record Upload(
    String id,
    String owner,
    String storageKey,
    String filename,
    String contentType,
    long bytes,
    String sha256,
    Instant createdAt,
    Instant expiresAt) {}
