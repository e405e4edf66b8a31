package dev.kino.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** How the client reads what servers and proxies answer, without a network. */
class TransportTest {

  @Test
  void retry_after_is_read_as_seconds_or_an_http_date_and_capped_at_a_minute() {
    assertThat(Transport.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
    assertThat(Transport.retryAfter("3600")).isEqualTo(Duration.ofSeconds(60));
    String inTenSeconds =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.now().plusSeconds(10).atZone(ZoneOffset.UTC));
    assertThat(Transport.retryAfter(inTenSeconds))
        .isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
    assertThat(Transport.retryAfter("soon")).isZero();
    assertThat(Transport.retryAfter(null)).isZero();
    assertThat(Transport.retryAfter("-5")).isZero();
  }

  @Test
  void the_seed_error_shape_becomes_a_typed_exception_with_every_field() {
    KinoApiException e =
        Transport.apiError(
            422,
            "{\"error_code\":422001,\"error_message\":\"invalid input: duration must have a maximum value of 15\","
                + "\"detail\":{\"reason\":\"invalid_input\",\"errors\":[{\"path\":\"duration\",\"code\":\"maximum\",\"message\":\"must have a maximum value of 15\"}]}}");

    assertThat(e.httpStatus()).isEqualTo(422);
    assertThat(e.errorCode()).isEqualTo(422001);
    assertThat(e.reason()).isEqualTo("invalid_input");
    assertThat(e.isInvalidInput()).isTrue();
    assertThat(e.fieldErrors())
        .containsExactly(new FieldError("duration", "maximum", "must have a maximum value of 15"));
    assertThat(e.getMessage()).contains("maximum value of 15");
  }

  @Test
  void an_error_that_is_not_json_still_says_what_came_back() {
    KinoApiException e = Transport.apiError(502, "<html>Bad Gateway</html>");

    assertThat(e.errorCode()).isEqualTo(502000);
    assertThat(e.reason()).isEqualTo("http_502");
    assertThat(e.getMessage()).contains("Bad Gateway");
  }
}
