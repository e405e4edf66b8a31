package dev.kino.config;

/**
 * How much room the data directory must keep.
 *
 * @param minFreeBytes below this much usable space the node stops taking work (submits and uploads
 *     answer 507 {@code storage_full}, workers claim nothing, {@code /healthz} says unavailable)
 *     until space returns; a full disk mid-write would otherwise fail jobs and leave them half
 *     recorded
 */
public record DiskSettings(long minFreeBytes) {
  public static final long DEFAULT_MIN_FREE_BYTES = 200L * 1024 * 1024;
  public static final DiskSettings DEFAULTS = new DiskSettings(DEFAULT_MIN_FREE_BYTES);

  public DiskSettings {
    if (minFreeBytes < 0) {
      throw new ConfigException("--min-free-space must not be negative, got " + minFreeBytes);
    }
  }
}
