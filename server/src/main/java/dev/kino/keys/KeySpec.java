package dev.kino.keys;

import java.time.Instant;
import java.util.Optional;

/** What a key is made with, or changed to: each part of a change optional. */
public record KeySpec(
    Optional<String> name,
    Optional<Boolean> admin,
    Optional<KeyLimits> limits,
    Optional<ModelPatterns> models,
    Optional<Optional<Instant>> expiresAt) {

  /** A key with a name and nothing else set. */
  public static KeySpec named(String name, boolean admin) {
    return new KeySpec(
        Optional.of(name),
        Optional.of(admin),
        Optional.empty(),
        Optional.empty(),
        Optional.empty());
  }
}
