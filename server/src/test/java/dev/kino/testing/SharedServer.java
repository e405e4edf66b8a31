package dev.kino.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link TestServer} for all tests of a class, started before the first and stopped after the
 * last: {@code @RegisterExtension static final SharedServer SERVER = new SharedServer(workers);}
 */
public final class SharedServer implements BeforeAllCallback, AfterAllCallback {
  private final int workers;
  private TestServer server;

  public SharedServer(int workers) {
    this.workers = workers;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = TestServer.start(workers);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    server.close();
  }

  public TestServer server() {
    return server;
  }

  /** A client with the admin key. */
  public Api api() {
    return server.api();
  }
}
