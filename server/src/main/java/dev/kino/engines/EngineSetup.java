package dev.kino.engines;

import dev.kino.config.ConfigException;
import dev.kino.config.Settings;
import dev.kino.database.Database;
import dev.kino.engines.comfyui.ComfyUiEngine;
import dev.kino.engines.comfyui.ServerHealth;
import dev.kino.engines.noop.NoopEngine;
import dev.kino.engines.sandbox.SandboxEngine;
import dev.kino.engines.upstream.Upstreams;
import dev.kino.inputs.InputFiles;
import dev.kino.inputs.UrlFetcher;
import dev.kino.models.ModelDefinition;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which engines a node has: the sandbox and noop always; ComfyUI when servers are configured (its
 * definitions are checked now), sharing what it sees of them through {@code cluster} when there is
 * one; the upstream providers its models name. Every model must find its engine, or the node does
 * not start.
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
        models.stream().filter(d -> d.engine().equals("comfyui")).toList();
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
    Engines built = new Engines(engines);
    requireEngines(models, built);
    return built;
  }

  private static void requireEngines(List<ModelDefinition> models, Engines engines) {
    for (ModelDefinition model : models) {
      if (engines.find(model.engine()).isEmpty()) {
        engines.close();
        throw new ConfigException(
            model.source()
                + ": engine \""
                + model.engine()
                + "\" is not available; this build has "
                + engines.names());
      }
    }
  }
}
