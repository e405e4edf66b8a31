package dev.kino.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Signed file URLs and tokens: valid for their key until they expire, for nothing else. */
class UrlSignerTest {
  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  static final Instant EXPIRES = NOW.plusSeconds(3600);
  final UrlSigner signer =
      new UrlSigner("a secret of thirty-two bytes....".getBytes(StandardCharsets.UTF_8));

  @Test
  void a_signed_query_is_valid_for_its_key_until_it_expires() {
    String[] parts = parts(signer.query("jobs/a/1/video.mp4", EXPIRES));

    assertThat(signer.isValid("jobs/a/1/video.mp4", parts[0], parts[1], NOW)).isTrue();
    assertThat(signer.isValid("jobs/a/1/video.mp4", parts[0], parts[1], EXPIRES)).isTrue();
    assertThat(signer.isValid("jobs/a/1/video.mp4", parts[0], parts[1], EXPIRES.plusSeconds(1)))
        .as("expired")
        .isFalse();
  }

  @Test
  void a_signature_opens_no_other_key_and_no_later_expiry() {
    String[] parts = parts(signer.query("jobs/a/1/video.mp4", EXPIRES));
    long later = EXPIRES.getEpochSecond() + 86_400;

    assertThat(signer.isValid("jobs/b/1/video.mp4", parts[0], parts[1], NOW)).isFalse();
    assertThat(signer.isValid("jobs/a/1/video.mp4", Long.toString(later), parts[1], NOW)).isFalse();
    assertThat(signer.isValid("jobs/a/1/video.mp4", "soon", parts[1], NOW)).isFalse();
    assertThat(signer.isValid("jobs/a/1/video.mp4", parts[0], null, NOW)).isFalse();
  }

  @Test
  void another_servers_secret_signs_differently() {
    UrlSigner other =
        new UrlSigner("another secret, thirty-two bytes".getBytes(StandardCharsets.UTF_8));
    String[] parts = parts(other.query("jobs/a/1/video.mp4", EXPIRES));

    assertThat(signer.isValid("jobs/a/1/video.mp4", parts[0], parts[1], NOW)).isFalse();
  }

  @Test
  void a_token_carries_the_same_proof_in_one_parameter() {
    String token = signer.token("events/job-1", EXPIRES);

    assertThat(signer.isValidToken("events/job-1", token, NOW)).isTrue();
    assertThat(signer.isValidToken("events/job-2", token, NOW)).isFalse();
    assertThat(signer.isValidToken("events/job-1", token, EXPIRES.plusSeconds(1))).isFalse();
    assertThat(signer.isValidToken("events/job-1", "no-dot", NOW)).isFalse();
    assertThat(signer.isValidToken("events/job-1", null, NOW)).isFalse();
  }

  /** expires and signature out of {@code expires=E&signature=S}. */
  private static String[] parts(String query) {
    String[] pairs = query.split("&");
    return new String[] {
      pairs[0].substring("expires=".length()), pairs[1].substring("signature=".length())
    };
  }
}
