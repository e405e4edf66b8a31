package dev.kino.engines.noop;

import dev.kino.engines.Engine;
import dev.kino.engines.EngineResult;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Reporter;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * Engine {@code noop}: completes every job at once with an empty output. For measuring Kino itself
 * (queue, claims, leases, API) without any rendering: a definition naming it turns a model into a
 * diagnostic one.
 */
public final class NoopEngine implements Engine {

  @Override
  public EngineResult run(EngineTask task, Reporter progress) {
    return new EngineResult(
        List.of(), JsonMapper.shared().createObjectNode().put("engine", "noop"));
  }
}
