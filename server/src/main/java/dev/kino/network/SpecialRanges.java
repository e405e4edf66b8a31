package dev.kino.network;

import java.net.InetAddress;
import java.util.List;

/**
 * The address ranges that IANA's IPv4 and IPv6 Special-Purpose Address Registries mark not globally
 * reachable (the registries as of 2025: RFC 6890 and its updates, to RFC 9602, 9637 and 9780), plus
 * multicast, limited broadcast and the deprecated ranges, which no fetch on a client's behalf
 * should reach; and the few blocks inside them that the registries mark globally reachable (anycast
 * services). Such a range can be a real interface on the machine, so a URL into it could reach the
 * host's own services.
 */
final class SpecialRanges {
  private SpecialRanges() {}

  /** Not globally reachable (or deprecated, or not unicast). */
  static final List<AddressPolicy.Cidr> NOT_GLOBAL =
      ranges(
          // IPv4 registry
          "0.0.0.0/8", // "this network"
          "10.0.0.0/8", // private use
          "100.64.0.0/10", // shared address space (CGNAT)
          "127.0.0.0/8", // loopback
          "169.254.0.0/16", // link local
          "172.16.0.0/12", // private use
          "192.0.0.0/24", // IETF protocol assignments (incl. /29 continuity, .8 dummy, .170-171)
          "192.0.2.0/24", // documentation TEST-NET-1
          "192.88.99.0/24", // deprecated 6to4 relay anycast
          "192.168.0.0/16", // private use
          "198.18.0.0/15", // benchmarking
          "198.51.100.0/24", // documentation TEST-NET-2
          "203.0.113.0/24", // documentation TEST-NET-3
          "224.0.0.0/4", // multicast
          "240.0.0.0/4", // reserved, and 255.255.255.255 limited broadcast
          // IPv6 registry
          "::/128", // unspecified
          "::1/128", // loopback
          "64:ff9b:1::/48", // local-use IPv4/IPv6 translation
          "100::/64", // discard-only
          "100:0:0:1::/64", // dummy IPv6 prefix
          "2001::/23", // IETF protocol assignments, Teredo (2001::/32) among them
          "2001:db8::/32", // documentation
          "3fff::/20", // documentation
          "5f00::/16", // segment routing (SRv6) SIDs
          "fc00::/7", // unique local
          "fe80::/10", // link-local unicast
          "fec0::/10", // deprecated site-local
          "ff00::/8"); // multicast

  /** Blocks inside {@link #NOT_GLOBAL} that the registries mark globally reachable. */
  static final List<AddressPolicy.Cidr> GLOBAL_EXCEPTIONS =
      ranges(
          "192.0.0.9/32", // Port Control Protocol anycast
          "192.0.0.10/32", // Traversal Using Relays around NAT anycast
          "2001:1::1/128", // Port Control Protocol anycast
          "2001:1::2/128", // TURN anycast
          "2001:1::3/128", // DNS-SD service registration protocol anycast
          "2001:3::/32", // AMT
          "2001:4:112::/48", // AS112-v6
          "2001:20::/28", // ORCHIDv2
          "2001:30::/28"); // drone remote ID protocol entity tags

  /** True when the address lies in a range no client's fetch may reach. */
  static boolean contains(InetAddress address) {
    return NOT_GLOBAL.stream().anyMatch(r -> r.contains(address))
        && GLOBAL_EXCEPTIONS.stream().noneMatch(r -> r.contains(address));
  }

  private static List<AddressPolicy.Cidr> ranges(String... cidrs) {
    return java.util.Arrays.stream(cidrs).map(AddressPolicy.Cidr::parse).toList();
  }
}
