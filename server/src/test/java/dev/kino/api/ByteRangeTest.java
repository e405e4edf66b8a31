package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Range header forms a player sends, resolved against a 1,000-byte file. */
class ByteRangeTest {
  static final long SIZE = 1000;

  @ParameterizedTest
  @CsvSource({
    "bytes=0-99, 0, 99",
    "bytes=500-, 500, 999",
    "bytes=-100, 900, 999",
    "bytes=-5000, 0, 999",
    "bytes=900-5000, 900, 999",
    "bytes= 10 - 19 , 10, 19",
    "'bytes=0-0, 500-600', 0, 0"
  })
  void a_bytes_range_is_resolved_against_the_files_length(String header, long first, long last) {
    ByteRange range = ByteRange.parse(header, SIZE).orElseThrow();

    assertThat(range).isEqualTo(new ByteRange(first, last));
    assertThat(range.length()).isEqualTo(last - first + 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"items=0-10", "bytes=abc-def", "bytes=10", "bytes=20-10"})
  void a_header_that_is_not_an_understood_bytes_range_means_the_whole_file(String header) {
    assertThat(ByteRange.parse(header, SIZE)).isEmpty();
  }

  @Test
  void no_header_means_the_whole_file() {
    assertThat(ByteRange.parse(null, SIZE)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=1000-", "bytes=5000-6000", "bytes=-0"})
  void a_range_wholly_past_the_end_cannot_be_satisfied(String header) {
    assertThatThrownBy(() -> ByteRange.parse(header, SIZE))
        .isInstanceOf(ByteRange.Unsatisfiable.class);
  }

  @Test
  void an_empty_file_satisfies_no_range() {
    assertThatThrownBy(() -> ByteRange.parse("bytes=0-", 0))
        .isInstanceOf(ByteRange.Unsatisfiable.class);
  }
}
