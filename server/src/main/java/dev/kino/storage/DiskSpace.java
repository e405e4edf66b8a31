package dev.kino.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the data directory's disk has room for more work. Below the operator's minimum the node
 * takes none (submits and uploads are refused with a clear answer, workers claim nothing, the
 * health check says unavailable) rather than failing halfway through writes; work already accepted
 * waits, and everything resumes by itself once space returns. The disk is asked at most every
 * {@link #RECHECK}; while it is full one line a minute says so.
 */
public final class DiskSpace {
  private static final Logger LOG = LoggerFactory.getLogger(DiskSpace.class);
  static final Duration RECHECK = Duration.ofSeconds(1);
  static final Duration REMIND_EVERY = Duration.ofMinutes(1);

  private final LongSupplier usableBytes;
  private final long minFreeBytes;
  private final Clock clock;
  private final String where;
  private Instant checkedAt = Instant.MIN;
  private Instant remindedAt = Instant.MIN;
  private long usable = Long.MAX_VALUE;

  DiskSpace(String where, LongSupplier usableBytes, long minFreeBytes, Clock clock) {
    this.where = where;
    this.usableBytes = usableBytes;
    this.minFreeBytes = minFreeBytes;
    this.clock = clock;
  }

  /** The disk that holds {@code dir}. */
  public static DiskSpace of(Path dir, long minFreeBytes, Clock clock) {
    return new DiskSpace(
        dir.toString(),
        () -> {
          try {
            return Files.getFileStore(dir).getUsableSpace();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        minFreeBytes,
        clock);
  }

  /** True while the disk has less usable space than the minimum. */
  public synchronized boolean isFull() {
    Instant now = clock.instant();
    if (now.isBefore(checkedAt.plus(RECHECK))) {
      return usable < minFreeBytes;
    }
    checkedAt = now;
    boolean wasFull = usable < minFreeBytes;
    try {
      usable = usableBytes.getAsLong();
    } catch (UncheckedIOException e) {
      return wasFull; // the question failed; the last answer stands
    }
    boolean full = usable < minFreeBytes;
    if (full && (!wasFull || !now.isBefore(remindedAt.plus(REMIND_EVERY)))) {
      LOG.warn(
          "the disk of {} has {} MB usable, under the {} MB this node keeps: no new work is taken"
              + " until space returns (free space, or lower --min-free-space)",
          where,
          usable / (1024 * 1024),
          minFreeBytes / (1024 * 1024));
      remindedAt = now;
    } else if (!full && wasFull) {
      LOG.info(
          "the disk of {} has room again ({} MB usable): taking work",
          where,
          usable / (1024 * 1024));
    }
    return full;
  }

  /** Refuses new work while the disk is full. */
  public void requireRoom() {
    if (isFull()) {
      throw new StorageFullException();
    }
  }

  /** What the health check says while the disk is full. */
  public Optional<String> problem() {
    return isFull()
        ? Optional.of("the data directory's disk is full (under the minimum free space)")
        : Optional.empty();
  }
}
