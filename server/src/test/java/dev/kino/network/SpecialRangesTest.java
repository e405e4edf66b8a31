package dev.kino.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The address policy, row by row against IANA's IPv4 and IPv6 Special-Purpose Address Registries
 * (as of 2025): the first and last address of every range the registries mark not globally
 * reachable is refused, and every globally reachable row is allowed. Only the decision is tested;
 * nothing connects to any of these addresses.
 */
class SpecialRangesTest {
  final AddressPolicy policy = new AddressPolicy(List.of());

  @ParameterizedTest(name = "{0} ({1}) is refused")
  @CsvSource({
    "0.0.0.0/8, this network",
    "10.0.0.0/8, private use",
    "100.64.0.0/10, shared address space",
    "127.0.0.0/8, loopback",
    "169.254.0.0/16, link local",
    "172.16.0.0/12, private use",
    "192.0.0.0/29, IPv4 service continuity prefix",
    "192.0.0.8/32, IPv4 dummy address",
    "192.0.0.170/32, NAT64/DNS64 discovery",
    "192.0.0.171/32, NAT64/DNS64 discovery",
    "192.0.2.0/24, documentation TEST-NET-1",
    "192.88.99.0/24, deprecated 6to4 relay anycast",
    "192.168.0.0/16, private use",
    "198.18.0.0/15, benchmarking",
    "198.51.100.0/24, documentation TEST-NET-2",
    "203.0.113.0/24, documentation TEST-NET-3",
    "240.0.0.0/4, reserved",
    "255.255.255.255/32, limited broadcast",
    "224.0.0.0/4, multicast",
    "::1/128, loopback",
    "::/128, unspecified",
    "::ffff:0:0/96, IPv4-mapped",
    "64:ff9b:1::/48, local-use IPv4/IPv6 translation",
    "100::/64, discard-only",
    "100:0:0:1::/64, dummy IPv6 prefix",
    "2001::/23, IETF protocol assignments",
    "2001::/32, Teredo",
    "2001:2::/48, benchmarking",
    "2001:10::/28, deprecated ORCHID",
    "2001:db8::/32, documentation",
    "3fff::/20, documentation",
    "5f00::/16, segment routing SIDs",
    "fc00::/7, unique-local",
    "fe80::/10, link-local unicast",
    "fec0::/10, deprecated site-local",
    "ff00::/8, multicast"
  })
  void every_address_of_a_range_not_globally_reachable_is_refused(String cidr, String name)
      throws Exception {
    for (InetAddress address : ends(cidr)) {
      if (cidr.equals("2001::/23") && isException(address)) {
        continue;
      }
      assertThat(policy.permits(address.getHostAddress(), address))
          .as("%s in %s (%s)", address.getHostAddress(), cidr, name)
          .isFalse();
    }
  }

  @ParameterizedTest(name = "{0} ({1}) is allowed")
  @CsvSource({
    "192.0.0.9/32, Port Control Protocol anycast",
    "192.0.0.10/32, TURN anycast",
    "192.31.196.0/24, AS112-v4",
    "192.52.193.0/24, AMT",
    "192.175.48.0/24, direct delegation AS112",
    "2001:1::1/128, Port Control Protocol anycast",
    "2001:1::2/128, TURN anycast",
    "2001:1::3/128, DNS-SD SRP anycast",
    "2001:3::/32, AMT",
    "2001:4:112::/48, AS112-v6",
    "2001:20::/28, ORCHIDv2",
    "2001:30::/28, drone remote ID",
    "2620:4f:8000::/48, direct delegation AS112",
    "8.8.8.8/32, an ordinary public address",
    "2606:4700::/32, an ordinary public prefix"
  })
  void a_globally_reachable_row_is_allowed(String cidr, String name) throws Exception {
    for (InetAddress address : ends(cidr)) {
      assertThat(policy.permits(address.getHostAddress(), address))
          .as("%s in %s (%s)", address.getHostAddress(), cidr, name)
          .isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "::ffff:198.18.0.1", // IPv4-mapped
        "::198.51.100.7", // IPv4-compatible
        "::ffff:0:192.0.2.1", // SIIT IPv4-translated
        "64:ff9b::c000:201", // NAT64 of 192.0.2.1
        "2002:c633:6401::1", // 6to4 of 198.51.100.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2" // Teredo
      })
  void a_special_ipv4_address_hidden_in_an_ipv6_form_is_refused(String literal) throws Exception {
    InetAddress address = InetAddress.getByName(literal);
    assertThat(policy.permits(literal, address)).as(literal).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"64:ff9b::808:808", "::ffff:8.8.8.8", "2002:808:808::1"})
  void a_public_ipv4_address_in_an_ipv6_form_is_allowed(String literal) throws Exception {
    assertThat(policy.permits(literal, InetAddress.getByName(literal))).as(literal).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"198.18.0.0/15", "2001:db8::/32"})
  void the_operators_allow_list_lifts_the_refusal(String cidr) throws Exception {
    AddressPolicy allowing = new AddressPolicy(List.of(cidr));
    for (InetAddress address : ends(cidr)) {
      assertThat(allowing.permits(address.getHostAddress(), address)).isTrue();
    }
  }

  private static boolean isException(InetAddress address) {
    return SpecialRanges.GLOBAL_EXCEPTIONS.stream().anyMatch(r -> r.contains(address));
  }

  /** The first and the last address of a range. */
  private static List<InetAddress> ends(String cidr) throws Exception {
    String[] parts = cidr.split("/");
    byte[] first = InetAddress.getByName(parts[0]).getAddress();
    int bits = Integer.parseInt(parts[1]);
    int width = first.length * 8;
    BigInteger start = new BigInteger(1, first);
    BigInteger last = start.or(BigInteger.ONE.shiftLeft(width - bits).subtract(BigInteger.ONE));
    return List.of(address(start, first.length), address(last, first.length));
  }

  private static InetAddress address(BigInteger value, int length) throws Exception {
    byte[] raw = value.toByteArray();
    byte[] bytes = new byte[length];
    int copy = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - copy, bytes, length - copy, copy);
    return InetAddress.getByAddress(bytes);
  }
}
