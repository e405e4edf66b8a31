package dev.kino.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Every {@code await()} of the suite looks at its condition at once before it starts polling.
 * Awaitility's default first waits one poll interval, which a test that checks a thousand jobs
 * already ended pays a thousand times. Registered for every test class through {@code
 * junit-platform.properties} (extension auto-detection).
 */
public final class AwaitAtOnce implements BeforeAllCallback {
  @Override
  public void beforeAll(ExtensionContext context) {
    Awaitility.setDefaultPollDelay(Duration.ZERO);
  }
}
