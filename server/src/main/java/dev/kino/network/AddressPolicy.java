package dev.kino.network;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which hosts the server may fetch from. A server that fetches URLs chosen by its users must not
 * become a way into the operator's network, so every range IANA's special-purpose registries mark
 * not globally reachable is refused ({@link SpecialRanges}: loopback, private, link-local, CGNAT,
 * documentation, benchmarking, reserved, discard-only, ...), with multicast, including when hidden
 * inside IPv4-mapped, SIIT, NAT64 or 6to4 IPv6 forms, as are cloud metadata names. The operator's
 * allow-list ({@code --fetch-allow}: host names, addresses or CIDR ranges) lifts the refusal, and
 * also permits plain http for those hosts.
 */
public final class AddressPolicy {
  private static final Set<String> FORBIDDEN_NAMES =
      Set.of(
          "localhost",
          "metadata.google.internal",
          "metadata",
          "instance-data",
          "metadata.azure.internal");

  private final Set<String> allowedNames;
  private final List<Cidr> allowedRanges;

  public AddressPolicy(List<String> allow) {
    Set<String> names = new java.util.HashSet<>();
    List<Cidr> ranges = new ArrayList<>();
    for (String entry : allow) {
      String e = entry.strip().toLowerCase(Locale.ROOT);
      if (e.isEmpty()) {
        continue;
      }
      Cidr cidr = Cidr.parse(e);
      if (cidr != null) {
        ranges.add(cidr);
      } else {
        names.add(e);
      }
    }
    this.allowedNames = Set.copyOf(names);
    this.allowedRanges = List.copyOf(ranges);
  }

  /** The host is on the operator's allow-list by name. */
  public boolean isAllowedName(String host) {
    return allowedNames.contains(host.toLowerCase(Locale.ROOT));
  }

  /** The address is in one of the operator's allowed ranges. */
  public boolean isAllowedAddress(InetAddress address) {
    return allowedRanges.stream().anyMatch(r -> r.contains(address));
  }

  /** A name that must never be fetched unless allowed by name (metadata services, localhost). */
  public boolean isForbiddenName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return FORBIDDEN_NAMES.contains(h) || h.endsWith(".localhost");
  }

  /** True when the address may be fetched from. */
  public boolean permits(String host, InetAddress address) {
    if (isAllowedName(host) || isAllowedAddress(address)) {
      return true;
    }
    return !isForbidden(address);
  }

  static boolean isForbidden(InetAddress address) {
    // The registries' table holds loopback, any-local, link-local, site-local and multicast too.
    if (SpecialRanges.contains(address)) {
      return true;
    }
    InetAddress embedded =
        address instanceof Inet6Address ? embeddedIpv4(address.getAddress()) : null;
    return embedded != null && isForbidden(embedded);
  }

  /**
   * The IPv4 address inside IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), SIIT's
   * IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96) and 6to4 (2002::/16) forms. (Teredo,
   * 2001::/32, is refused as a whole with the IETF protocol block.)
   */
  private static InetAddress embeddedIpv4(byte[] b) {
    try {
      boolean zeroPrefix = true;
      for (int i = 0; i < 10; i++) {
        zeroPrefix &= b[i] == 0;
      }
      if (zeroPrefix
          && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
        return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
      }
      boolean siit = b[8] == (byte) 0xff && b[9] == (byte) 0xff && b[10] == 0 && b[11] == 0;
      for (int i = 0; i < 8; i++) {
        siit &= b[i] == 0;
      }
      if (siit) {
        return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
      }
      if (b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
        return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
      }
      if (b[0] == 0x20 && b[1] == 0x02) {
        return InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]});
      }
      return null;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** An address range such as 10.0.0.0/8 or fd00::/8; a bare address is a range of one. */
  record Cidr(byte[] network, int bits) {
    static Cidr parse(String text) {
      String[] parts = text.split("/", 2);
      if (!parts[0].matches("[0-9.]+|[0-9a-f:.\\[\\]]*:[0-9a-f:.\\[\\]]*")) {
        return null;
      }
      try {
        byte[] address =
            InetAddress.getByName(parts[0].replace("[", "").replace("]", "")).getAddress();
        int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
        if (bits < 0 || bits > address.length * 8) {
          throw new NumberFormatException("prefix length out of range");
        }
        return new Cidr(address, bits);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException(
            "--fetch-allow "
                + text
                + " is neither a host name nor an address range such as 10.0.0.0/8 or fd00::/8");
      }
    }

    boolean contains(InetAddress address) {
      byte[] a = address.getAddress();
      if (a.length != network.length) {
        return false;
      }
      for (int bit = 0; bit < bits; bit++) {
        int mask = 0x80 >> (bit % 8);
        if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
