package dev.kino.keys;

import java.time.Instant;
import java.util.Optional;

/**
 * A stored API key, without its secret. {@code prefix} is the first characters of the key, enough
 * for a person to tell keys apart in a listing and useless to an attacker.
 */
public record ApiKey(
    String id,
    String name,
    String prefix,
    boolean admin,
    Instant createdAt,
    Optional<Instant> revokedAt,
    KeyLimits limits,
    ModelPatterns models,
    Optional<Instant> expiresAt) {

  /** Not revoked, and not past its expiry at {@code now}. */
  public boolean activeAt(Instant now) {
    return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
  }
}
