package dev.kino.keys;

/** A key just made: the only moment its plaintext exists outside the caller's hands. */
public record CreatedKey(ApiKey key, String plaintext) {}
