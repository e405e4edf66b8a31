package dev.kino.uploads;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deletes expired uploads in the background, once a minute. */
public final class UploadSweeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UploadSweeper.class);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("kino-upload-sweeper").daemon().factory());

  public UploadSweeper(Uploads uploads, Duration every) {
    timer.scheduleWithFixedDelay(() -> {
      try {
        int removed = uploads.sweepExpired();
        if (removed > 0) {
          LOG.info("deleted {} expired upload(s)", removed);
        }
      } catch (Exception e) {
        LOG.warn("could not delete expired uploads; will try again", e);
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
