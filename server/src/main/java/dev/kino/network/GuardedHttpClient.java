package dev.kino.network;

import java.time.Duration;
import java.util.concurrent.Executors;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * A started Jetty HTTP client for calls to addresses a client of Kino chose (input URLs, webhook
 * targets): it connects only to addresses the {@link AddressPolicy} permits, checked when it
 * connects ({@link GuardedResolver}); it follows no redirects and decodes no content by itself; its
 * threads are daemons, so a client nobody closed does not keep a finished process alive.
 */
public final class GuardedHttpClient {
  private GuardedHttpClient() {}

  public static HttpClient start(
      String name,
      AddressPolicy policy,
      HostResolver resolver,
      Duration connectTimeout,
      Duration idleTimeout,
      String userAgent) {
    HttpClient client = new HttpClient();
    client.setName(name);
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName(name);
    threads.setDaemon(true);
    client.setExecutor(threads);
    client.setScheduler(new ScheduledExecutorScheduler(name + "-timer", true));
    client.setFollowRedirects(false);
    client.setConnectTimeout(connectTimeout.toMillis());
    client.setIdleTimeout(idleTimeout.toMillis());
    client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, userAgent));
    client.setSocketAddressResolver(
        new GuardedResolver(policy, resolver, Executors.newVirtualThreadPerTaskExecutor()));
    try {
      client.start();
      // The body is what the server sends: no gzip inflation, so no compression bombs and sizes
      // mean bytes.
      // (Cleared after start: starting installs the default decoders into an empty list.)
      client.getContentDecoderFactories().clear();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the HTTP client " + name, e);
    }
    return client;
  }

  /** True when the failure is the policy refusing every address of the host. */
  public static boolean isForbiddenAddress(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ForbiddenAddressException) {
        return true;
      }
    }
    return false;
  }
}
