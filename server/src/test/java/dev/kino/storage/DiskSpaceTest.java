package dev.kino.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kino.testing.MutableClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A disk that fills and empties again, as DiskSpace sees it (its usable space is stood in for). */
class DiskSpaceTest {
  static final long MB = 1024 * 1024;
  final MutableClock clock = new MutableClock();
  final AtomicLong usable = new AtomicLong(500 * MB);
  final AtomicInteger asked = new AtomicInteger();
  final DiskSpace disk =
      new DiskSpace(
          "/data",
          () -> {
            asked.incrementAndGet();
            return usable.get();
          },
          200 * MB,
          clock);

  @Test
  void under_the_minimum_no_work_is_taken_and_it_resumes_by_itself_when_space_returns() {
    assertThat(disk.isFull()).isFalse();
    disk.requireRoom();

    usable.set(100 * MB);
    clock.advance(Duration.ofSeconds(2));
    assertThat(disk.isFull()).isTrue();
    assertThat(disk.problem()).isPresent();
    assertThatThrownBy(disk::requireRoom).isInstanceOf(StorageFullException.class);

    usable.set(300 * MB);
    clock.advance(Duration.ofSeconds(2));
    assertThat(disk.isFull()).isFalse();
    assertThat(disk.problem()).isEmpty();
  }

  @Test
  void the_disk_is_asked_at_most_once_a_second() {
    for (int i = 0; i < 100; i++) {
      disk.isFull();
    }
    assertThat(asked).hasValue(1);

    clock.advance(Duration.ofMillis(1001));
    disk.isFull();
    assertThat(asked).hasValue(2);
  }

  @Test
  void a_question_the_disk_cannot_answer_leaves_the_last_answer_standing() {
    usable.set(10 * MB);
    assertThat(disk.isFull()).isTrue();
    DiskSpace failing =
        new DiskSpace(
            "/data",
            () -> {
              throw new java.io.UncheckedIOException(new java.io.IOException("stale handle"));
            },
            200 * MB,
            clock);
    assertThat(failing.isFull()).as("never known to be full").isFalse();
  }
}
