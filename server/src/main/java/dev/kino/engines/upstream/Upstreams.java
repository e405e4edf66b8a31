package dev.kino.engines.upstream;

import dev.kino.config.Credentials;
import dev.kino.engines.Engine;
import dev.kino.inputs.UrlFetcher;
import dev.kino.models.ModelDefinition;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The upstream engines a node can run, by engine type, and which models they can serve with the
 * keys it has.
 */
public final class Upstreams {
  /** What makes a provider: the clock it signs with (Kling's tokens), the fetcher of inputs. */
  private interface Factory {
    Provider make(Clock clock, UrlFetcher fetcher);
  }

  private record Kind(UpstreamModel.Account account, Factory provider) {}

  private static final Map<String, Kind> KINDS =
      Map.ofEntries(
          Map.entry(
              "runcomfy", new Kind(SeedApiProvider.ACCOUNT, (clock, f) -> new SeedApiProvider())),
          Map.entry(
              "kling", new Kind(KlingProvider.ACCOUNT, (clock, f) -> new KlingProvider(clock))),
          Map.entry("fal", new Kind(FalProvider.ACCOUNT, (clock, f) -> new FalProvider())),
          Map.entry(
              "replicate",
              new Kind(ReplicateProvider.ACCOUNT, (clock, f) -> new ReplicateProvider())),
          Map.entry(
              "openai-videos",
              new Kind(OpenAiVideosProvider.ACCOUNT, (clock, f) -> new OpenAiVideosProvider())),
          Map.entry(
              "veo",
              new Kind(VeoProvider.ACCOUNT, (clock, f) -> new VeoProvider(new InlineImages(f)))),
          Map.entry(
              "runway",
              new Kind(
                  RunwayProvider.ACCOUNT, (clock, f) -> new RunwayProvider(new InlineImages(f)))),
          Map.entry(
              "hailuo",
              new Kind(
                  HailuoProvider.ACCOUNT, (clock, f) -> new HailuoProvider(new InlineImages(f)))),
          Map.entry("luma", new Kind(LumaProvider.ACCOUNT, (clock, f) -> new LumaProvider())),
          Map.entry(
              "seedance",
              new Kind(
                  SeedanceProvider.ACCOUNT,
                  (clock, f) -> new SeedanceProvider(new InlineImages(f)))),
          Map.entry(
              "wan",
              new Kind(WanProvider.ACCOUNT, (clock, f) -> new WanProvider(new InlineImages(f)))));

  private Upstreams() {}

  public static boolean isUpstream(String engine) {
    return KINDS.containsKey(engine);
  }

  /**
   * The environment variables a one-route definition's keys come from, when one of them is not set
   * (the route is then not served); empty when the model can be served. Throws when the
   * definition's settings are wrong.
   */
  public static Optional<List<String>> missingKeys(
      ModelDefinition definition, Credentials credentials) {
    Kind kind = KINDS.get(definition.engine());
    if (kind == null || UpstreamModel.from(definition, kind.account(), credentials).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(UpstreamModel.keyVariables(definition, kind.account()));
  }

  /**
   * One engine per upstream type in use among the routes of {@code definitions} (whose keys are all
   * set); {@code clock} times what a provider signs (Kling's tokens).
   */
  public static Map<String, Engine> engines(
      Collection<ModelDefinition> definitions,
      Credentials credentials,
      UrlFetcher fetcher,
      Clock clock) {
    Map<String, Engine> engines = new HashMap<>();
    KINDS.forEach(
        (type, kind) -> {
          List<UpstreamModel> models =
              definitions.stream()
                  .flatMap(d -> d.routes().stream().map(d::onRoute))
                  .filter(d -> d.engine().equals(type))
                  .map(d -> UpstreamModel.from(d, kind.account(), credentials).orElseThrow())
                  .toList();
          if (!models.isEmpty()) {
            engines.put(
                type, new UpstreamEngine(kind.provider().make(clock, fetcher), models, fetcher));
          }
        });
    return engines;
  }
}
