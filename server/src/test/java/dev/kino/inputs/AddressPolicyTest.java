package dev.kino.inputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kino.network.AddressPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input URLs must not reach into the operator's network. These are the forms checked before any
 * connection (literal addresses and internal names); names that resolve to such addresses are
 * checked at fetch time.
 */
class AddressPolicyTest {
  final UrlFetcher fetcher = new UrlFetcher(new AddressPolicy(List.of()));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://127.0.0.1/a.png",
        "https://2130706433/a.png",
        "https://0x7f000001/a.png",
        "https://0177.0.0.1/a.png",
        "https://127.1/a.png",
        "https://0x7f.0.0.1/a.png",
        "https://[::1]/a.png",
        "https://[::ffff:127.0.0.1]/a.png",
        "https://[::ffff:7f00:1]/a.png",
        "https://[64:ff9b::7f00:1]/a.png",
        "https://[64:ff9b::a9fe:a9fe]/a.png",
        "https://[2002:a00:1::]/a.png",
        "https://169.254.169.254/latest/meta-data/",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://100.64.0.1/a.png",
        "https://0.0.0.0/a.png",
        "https://10.1.2.3/a.png",
        "https://172.16.0.1/a.png",
        "https://192.168.1.1/a.png",
        "https://[fd00::1]/a.png",
        "https://[fe80::1]/a.png",
        "https://224.0.0.1/a.png",
        "https://255.255.255.255/a.png",
        "https://localhost/a.png",
        "https://cam.localhost/a.png",
        "http://images.example.com/a.png",
        "file:///etc/passwd",
        "gopher://images.example.com/",
        "ftp://images.example.com/a.png"
      })
  void forbidden_urls_are_refused_before_any_connection(String url) {
    assertThatThrownBy(() -> fetcher.checkStatically("start_image_url", url))
        .isInstanceOfSatisfying(
            InputException.class,
            e -> {
              assertThat(e.code()).isEqualTo("url_forbidden");
              assertThat(e.field()).isEqualTo("start_image_url");
            });
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://images.example.com/a.png",
        "https://93.184.216.34/a.png",
        "https://[2606:2800:220:1::]/a.png"
      })
  void public_https_urls_pass_the_static_check(String url) throws InputException {
    fetcher.checkStatically("start_image_url", url);
  }

  @Test
  void the_operator_allow_list_admits_hosts_and_ranges_over_plain_http_too() throws InputException {
    UrlFetcher allowing =
        new UrlFetcher(new AddressPolicy(List.of("127.0.0.1", "10.0.0.0/8", "assets.internal")));

    allowing.checkStatically("f", "http://127.0.0.1:8000/a.png");
    allowing.checkStatically("f", "http://10.20.30.40/a.png");
    allowing.checkStatically("f", "http://assets.internal/a.png");
    assertThatThrownBy(() -> allowing.checkStatically("f", "http://192.168.0.1/a.png"))
        .isInstanceOf(InputException.class);
  }

  @Test
  void urls_with_credentials_or_without_a_host_are_invalid() {
    assertThatThrownBy(
            () -> fetcher.checkStatically("f", "https://user:pw@images.example.com/a.png"))
        .isInstanceOfSatisfying(
            InputException.class, e -> assertThat(e.code()).isEqualTo("invalid_url"));
    assertThatThrownBy(() -> fetcher.checkStatically("f", "https:///a.png"))
        .isInstanceOfSatisfying(
            InputException.class, e -> assertThat(e.code()).isEqualTo("invalid_url"));
  }

  @Test
  void a_name_that_resolves_to_loopback_is_refused_when_fetched() {
    assertThatThrownBy(
            () ->
                fetcher.fetch(
                    "start_image_url",
                    "https://localhost.localdomain.test-nonexistent.invalid/a.png",
                    1000))
        .isInstanceOf(InputException.class);
  }

  @Test
  void a_malformed_allow_list_entry_is_a_configuration_error() {
    assertThatThrownBy(() -> new AddressPolicy(List.of("10.0.0.0/99")))
        .hasMessageContaining("10.0.0.0/99");
  }
}
