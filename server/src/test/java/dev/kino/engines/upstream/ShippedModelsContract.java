package dev.kino.engines.upstream;

import dev.kino.testing.Examples;
import dev.kino.testing.FakeProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The provider contract for a provider whose models have their own fields: Kino serves the shipped
 * definitions of {@code examples/<examples>} pointed at the fake, and every one of them runs. A
 * subclass gives its {@link Shipped} description, the request that uses most fields and how it must
 * arrive ({@link #assertMapped}), and how the first frame must arrive ({@link #assertImageSent}).
 */
abstract class ShippedModelsContract extends ProviderContract {
  /**
   * @param basePath the path of the provider's API under the fake's address (its base URL's path)
   * @param model the shipped model the contract runs
   * @param cancelCall as {@link ProviderContract#cancelCall}: empty when a running task cannot be
   *     stopped there
   */
  record Shipped(
      String engine,
      Function<String, FakeProvider> fake,
      String examples,
      String basePath,
      String keyVariable,
      String providerModel,
      String model,
      String imageField,
      boolean verifiesKeys,
      boolean reportsProgress,
      String cancelCall) {}

  private final Shipped shipped;

  ShippedModelsContract(Shipped shipped) {
    this.shipped = shipped;
  }

  @Override
  final String engine() {
    return shipped.engine();
  }

  @Override
  final FakeProvider fake(String key) {
    return shipped.fake().apply(key);
  }

  @Override
  final String providerModel() {
    return shipped.providerModel();
  }

  @Override
  final Map<String, String> keys() {
    return Map.of(shipped.keyVariable(), key());
  }

  @Override
  final String model() {
    return shipped.model();
  }

  @Override
  final Path modelsDir(FakeProvider fake) {
    return Examples.pointedAt(examples().orElseThrow(), fake.url() + shipped.basePath());
  }

  @Override
  final Optional<Path> examples() {
    return Optional.of(Examples.dir(shipped.examples()));
  }

  @Override
  final String imageField() {
    return shipped.imageField();
  }

  @Override
  final boolean verifiesKeys() {
    return shipped.verifiesKeys();
  }

  @Override
  final boolean reportsLogs() {
    return false;
  }

  @Override
  final boolean reportsProgress() {
    return shipped.reportsProgress();
  }

  @Override
  final String cancelCall() {
    return shipped.cancelCall();
  }
}
