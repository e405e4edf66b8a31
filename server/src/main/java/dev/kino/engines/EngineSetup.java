package dev.kino.engines;

import dev.kino.config.ConfigException;
import dev.kino.config.Settings;
import dev.kino.engines.comfyui.ComfyUiEngine;
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

/**
 * Which engines a node has: the sandbox and noop always; ComfyUI when servers are configured (its
 * definitions are checked now); the upstream providers its models name. Every model must find its
 * engine, or the node does not start.
 */
public final class EngineSetup {
  /** How often idle ComfyUI servers are asked for /system_stats. */
  private static final Duration COMFYUI_HEALTH_CHECKS = Duration.ofSeconds(2);

  private EngineSetup() {}

  public static Engines engines(
      Settings settings,
      List<ModelDefinition> models,
      InputFiles inputs,
      UrlFetcher fetcher,
      Clock clock) {
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
              settings.comfyuiQueueDepth()));
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
