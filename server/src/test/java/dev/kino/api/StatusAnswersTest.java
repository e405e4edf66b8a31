package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A status answer is served again from memory only to the same key asking the same way, for less
 * than half a second, and never after its job (or, for a queued job, any job) had news.
 */
class StatusAnswersTest {
  private static final String PATH = "/v1/requests/job-1/status";
  private static final String KEY = "Bearer kino_a";
  private static final String HOST = "localhost:8080";

  private final AtomicLong nanos = new AtomicLong();
  private final StatusAnswers answers = new StatusAnswers(nanos::get);

  @Test
  void the_same_key_asking_the_same_way_gets_the_kept_answer_for_half_a_second() {
    keep("job-1", false, "running");

    assertThat(find(PATH, KEY, HOST)).hasValue("running");
    assertThat(find(PATH, "Bearer kino_b", HOST)).as("another key").isEmpty();
    assertThat(find(PATH, KEY, "127.0.0.1:8080")).as("links for another host").isEmpty();
    assertThat(find("/v1/requests/job-1/result", KEY, HOST)).as("another route").isEmpty();
    nanos.set(StatusAnswers.FRESH.toNanos() - 1);
    assertThat(find(PATH, KEY, HOST)).hasValue("running");
    nanos.set(StatusAnswers.FRESH.toNanos());
    assertThat(find(PATH, KEY, HOST)).as("half a second old").isEmpty();
  }

  @Test
  void news_of_the_job_drops_its_answers_and_news_of_any_job_drops_queued_ones() {
    keep("job-1", false, "running");
    keep("job-2", true, "queued, position 3");

    answers.news(Optional.of("job-3"));
    assertThat(find(PATH, KEY, HOST)).as("another job's news").hasValue("running");
    assertThat(find("/v1/requests/job-2/status", KEY, HOST))
        .as("a queued job's position may have moved")
        .isEmpty();

    answers.news(Optional.of("job-1"));
    assertThat(find(PATH, KEY, HOST)).isEmpty();
  }

  @Test
  void an_answer_rendered_from_a_read_that_news_overtook_is_not_kept() {
    long ticket = answers.ticket();
    answers.news(Optional.of("job-9"));
    answers.keep(ticket, "job-1", false, askedBy(KEY, HOST), bytes("stale"));

    assertThat(find(PATH, KEY, HOST)).isEmpty();
  }

  @Test
  void a_key_changed_on_this_node_or_changes_missed_drop_every_answer() {
    keep("job-1", false, "running");
    answers.forgetAll();
    assertThat(find(PATH, KEY, HOST)).isEmpty();

    keep("job-1", false, "running");
    answers.news(Optional.empty());
    assertThat(find(PATH, KEY, HOST)).isEmpty();
  }

  private void keep(String jobId, boolean inQueue, String body) {
    answers.keep(answers.ticket(), jobId, inQueue, askedBy(KEY, HOST), bytes(body));
  }

  private Optional<String> find(String path, String authorization, String host) {
    return answers
        .find(path, authorization, "http", host)
        .map(b -> new String(b, StandardCharsets.UTF_8));
  }

  private static String askedBy(String authorization, String host) {
    return StatusAnswers.askedBy(authorization, "http", host);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
