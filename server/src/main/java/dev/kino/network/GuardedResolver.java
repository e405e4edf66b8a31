package dev.kino.network;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * The HTTP client's resolver, called when it is about to connect: every address a name resolves to
 * is checked against the policy, and the client connects only to the addresses returned here. The
 * check and the connection use the same answer, so a name that resolves to a public address once
 * and to loopback the next time (DNS rebinding) cannot slip between them.
 */
final class GuardedResolver implements SocketAddressResolver {
  /** A connection the policy refused; the fetcher reports it as {@code url_forbidden}. */
  private final AddressPolicy policy;

  private final HostResolver resolver;
  private final Executor executor;

  GuardedResolver(AddressPolicy policy, HostResolver resolver, Executor executor) {
    this.policy = policy;
    this.resolver = resolver;
    this.executor = executor;
  }

  @Override
  public void resolve(
      String host,
      int port,
      Map<String, Object> context,
      Promise<List<InetSocketAddress>> promise) {
    // Lookups block; keep them off the client's selector threads.
    executor.execute(
        () -> {
          try {
            promise.succeeded(permitted(host, port));
          } catch (IOException e) {
            promise.failed(e);
          }
        });
  }

  private List<InetSocketAddress> permitted(String host, int port) throws IOException {
    String name =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    List<InetAddress> addresses = resolver.resolve(name);
    if (addresses.isEmpty()) {
      throw new UnknownHostException(name);
    }
    List<InetSocketAddress> result = new ArrayList<>();
    for (InetAddress address : addresses) {
      if (!policy.isAllowedName(name) && !policy.permits(name, address)) {
        throw new ForbiddenAddressException(
            "the host "
                + name
                + " resolves to "
                + address.getHostAddress()
                + ", which may not be fetched");
      }
      result.add(new InetSocketAddress(address, port));
    }
    return result;
  }
}
