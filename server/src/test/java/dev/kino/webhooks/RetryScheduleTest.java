package dev.kino.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a failed webhook is tried again. */
class RetryScheduleTest {

  @Test
  void the_schedule_is_written_as_a_list_of_durations() {
    RetrySchedule schedule = RetrySchedule.parse("0s, 500ms,5m,2h,1d");

    assertThat(schedule.delays())
        .containsExactly(
            Duration.ZERO,
            Duration.ofMillis(500),
            Duration.ofMinutes(5),
            Duration.ofHours(2),
            Duration.ofDays(1));
    assertThat(schedule.attempts()).isEqualTo(5);
  }

  @Test
  void each_wait_is_never_earlier_than_the_schedule_and_at_most_a_tenth_later() {
    RetrySchedule schedule = new RetrySchedule(List.of(Duration.ZERO, Duration.ofSeconds(10)));

    for (int i = 0; i < 200; i++) {
      assertThat(schedule.after(0)).contains(Duration.ZERO);
      assertThat(schedule.after(1).orElseThrow())
          .isBetween(Duration.ofSeconds(10), Duration.ofSeconds(11));
    }
  }

  @Test
  void after_the_last_attempt_there_is_no_further_wait() {
    RetrySchedule schedule = RetrySchedule.parse("0s,5s");

    assertThat(schedule.after(2)).isEmpty();
    assertThat(schedule.after(7)).isEmpty();
  }

  @Test
  void a_word_that_is_not_a_duration_is_refused_with_examples() {
    assertThatThrownBy(() -> RetrySchedule.parse("0s,five minutes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"five minutes\"")
        .hasMessageContaining("5m");
    assertThatThrownBy(() -> new RetrySchedule(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
