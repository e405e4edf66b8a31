package dev.kino.engines.upstream;

import dev.kino.engines.Failures;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up check of an upstream engine's keys: one call per account that spends nothing ({@link
 * Provider#verify}), on a virtual thread so that start-up does not wait for the providers.
 */
final class KeyChecks {
  private static final Logger LOG = LoggerFactory.getLogger(KeyChecks.class);

  private KeyChecks() {}

  /** Checks each account of {@code models} once, in the background. */
  static void start(Provider provider, List<UpstreamModel> models) {
    Thread.ofVirtual()
        .name("kino-verify-" + provider.engine())
        .start(() -> check(provider, models));
  }

  /**
   * Each account's keys tried once at start-up with a call that spends nothing, so that a refused
   * key is said now, naming its variables (never the key), rather than at the first job.
   */
  private static void check(Provider provider, List<UpstreamModel> all) {
    Map<String, UpstreamModel> accounts = new TreeMap<>();
    all.forEach(m -> accounts.putIfAbsent(m.accountName(provider.account()), m));
    for (UpstreamModel model : accounts.values()) {
      String variables = String.join(" and ", model.keyVariables(provider.account()));
      try {
        provider.verify(model);
      } catch (ProviderHttp.Refused e) {
        ProviderFailure failure = provider.refusal(e);
        if (Set.of(Failures.AUTH, Failures.QUOTA).contains(failure.code())) {
          LOG.error(
              "{} at {} refused the key in {} ({}, {}): {}; its jobs will fail with {}",
              provider.engine(),
              model.baseUrl(),
              variables,
              e.status,
              failure.code(),
              e.getMessage(),
              failure.code());
        }
      } catch (ProviderHttp.Busy e) {
        // at its limit: the key was taken
      } catch (IOException e) {
        LOG.warn(
            "{} at {} could not be reached to check the key in {}: {}",
            provider.engine(),
            model.baseUrl(),
            variables,
            e.getMessage());
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("checking the key in {} failed: {}", variables, e.toString());
      }
    }
  }
}
