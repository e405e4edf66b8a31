package dev.kino.engines;

import dev.kino.config.ConfigException;
import dev.kino.config.Settings;
import dev.kino.database.Database;
import dev.kino.engines.comfyui.ComfyUiEngine;
import dev.kino.engines.comfyui.ServerHealth;
import dev.kino.engines.noop.NoopEngine;
import dev.kino.engines.routes.RoutedEngine;
import dev.kino.engines.sandbox.SandboxEngine;
import dev.kino.engines.upstream.Upstreams;
import dev.kino.inputs.InputFiles;
import dev.kino.inputs.UrlFetcher;
import dev.kino.models.ModelDefinition;
import dev.kino.models.Route;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which engines a node has: the sandbox and noop always; ComfyUI when servers are configured (its
 * definitions are checked now), sharing what it sees of them through {@code cluster} when there is
 * one; the upstream providers its models' routes name; and, for models with several routes, the
 * routes' engine over those. Every route must find its engine, or the node does not start.
 */
public final class EngineSetup {
  /** How often idle ComfyUI servers are asked for /system_stats. */
  private static final Duration COMFYUI_HEALTH_CHECKS = Duration.ofSeconds(2);

  /** How often a cluster node reads what the other nodes saw of the ComfyUI servers. */
  private static final Duration SHARED_HEALTH_READS = Duration.ofMillis(500);

  private EngineSetup() {}

  public static Engines engines(
      Settings settings,
      List<ModelDefinition> models,
      InputFiles inputs,
      UrlFetcher fetcher,
      Clock clock,
      Optional<Database> cluster,
      String nodeId) {
    Map<String, Engine> engines = new HashMap<>();
    engines.put("sandbox", new SandboxEngine(inputs));
    engines.put("noop", new NoopEngine());
    engines.putAll(Upstreams.engines(models, settings.credentials(), fetcher, clock));
    List<ModelDefinition> comfy =
        models.stream()
            .flatMap(d -> d.routes().stream().map(d::onRoute))
            .filter(d -> d.engine().equals("comfyui"))
            .toList();
    requireOneComfyRoute(models);
    if (!settings.comfyuiServers().isEmpty()) {
      engines.put(
          "comfyui",
          new ComfyUiEngine(
              settings.comfyuiServers(),
              comfy,
              inputs,
              COMFYUI_HEALTH_CHECKS,
              settings.comfyuiQueueDepth(),
              cluster
                  .map(db -> ServerHealth.shared(db, nodeId, clock, SHARED_HEALTH_READS))
                  .orElseGet(ServerHealth::alone)));
    } else if (!comfy.isEmpty()) {
      throw new ConfigException(
          comfy.getFirst().source()
              + ": engine \"comfyui\" needs servers: start with --comfyui http://HOST:8188"
              + " (repeatable)");
    }
    requireEngines(models, engines);
    List<ModelDefinition> routed =
        models.stream().filter(d -> d.engine().equals(ModelDefinition.ROUTED)).toList();
    if (!routed.isEmpty()) {
      Map<String, Engine> single = Map.copyOf(engines);
      engines.put(
          ModelDefinition.ROUTED,
          new RoutedEngine(
              routed, name -> Optional.ofNullable(single.get(name)), settings.workers(), clock));
    }
    return new Engines(engines);
  }

  private static void requireEngines(List<ModelDefinition> models, Map<String, Engine> engines) {
    for (ModelDefinition model : models) {
      for (Route route : model.routes()) {
        if (!engines.containsKey(route.engine())) {
          new Engines(engines).close();
          throw new ConfigException(
              model.source()
                  + ": engine \""
                  + route.engine()
                  + "\""
                  + (model.routes().size() > 1 ? " (route " + route.name() + ")" : "")
                  + " is not available; this build has "
                  + new java.util.TreeSet<>(engines.keySet()));
        }
      }
    }
  }

  /** ComfyUI knows a model by its id: one workflow per model. */
  private static void requireOneComfyRoute(List<ModelDefinition> models) {
    for (ModelDefinition model : models) {
      if (model.routes().stream().filter(r -> r.engine().equals("comfyui")).count() > 1) {
        throw new ConfigException(
            model.source()
                + ": more than one route on engine \"comfyui\"; a model has one workflow");
      }
    }
  }
}
