package dev.kino.config;

/**
 * How much room the data directory must keep, and how much the node's copies of bucket files may
 * take.
 *
 * @param minFreeBytes below this much usable space the node stops taking work (submits and uploads
 *     answer 507 {@code storage_full}, workers claim nothing, {@code /healthz} says unavailable)
 *     until space returns; a full disk mid-write would otherwise fail jobs and leave them half
 *     recorded
 * @param cacheMaxBytes the most the local copies of files kept in a bucket ({@code --storage}) may
 *     take; beyond it the least recently used go first
 */
public record DiskSettings(long minFreeBytes, long cacheMaxBytes) {
  public static final long DEFAULT_MIN_FREE_BYTES = 200L * 1024 * 1024;
  public static final long DEFAULT_CACHE_MAX_BYTES = 10L * 1024 * 1024 * 1024;
  public static final DiskSettings DEFAULTS =
      new DiskSettings(DEFAULT_MIN_FREE_BYTES, DEFAULT_CACHE_MAX_BYTES);

  public DiskSettings {
    if (minFreeBytes < 0) {
      throw new ConfigException("--min-free-space must not be negative, got " + minFreeBytes);
    }
    if (cacheMaxBytes < 0) {
      throw new ConfigException("--cache-max must not be negative, got " + cacheMaxBytes);
    }
  }
}
