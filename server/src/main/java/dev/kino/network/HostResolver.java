package dev.kino.network;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The fetcher's only way to look names up. The system resolver in production; tests stand in a
 * table of names (a name that resolves to loopback, a name whose answer changes between lookups)
 * without a DNS server.
 */
@FunctionalInterface
public interface HostResolver {
  List<InetAddress> resolve(String host) throws UnknownHostException;

  static HostResolver system() {
    return host -> List.of(InetAddress.getAllByName(host));
  }
}
