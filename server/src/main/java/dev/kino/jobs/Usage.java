package dev.kino.jobs;

import java.math.BigDecimal;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a completed job used: seconds of video made, the engine's run time, its cost by the model's
 * pricing (empty when the model has none), and the cost its provider reported, where one does.
 */
public record Usage(
    double videoSeconds,
    double runSeconds,
    Optional<BigDecimal> costUsd,
    Optional<BigDecimal> providerCostUsd) {

  /** As the result's {@code metadata.usage} shows it. */
  public ObjectNode toJson() {
    ObjectNode usage = JsonMapper.shared().createObjectNode();
    usage.put("video_seconds", videoSeconds);
    usage.put("run_seconds", Math.round(runSeconds * 1000) / 1000.0);
    if (costUsd.isPresent()) {
      usage.put("cost_usd", costUsd.get());
    } else {
      usage.putNull("cost_usd");
    }
    providerCostUsd.ifPresent(c -> usage.put("provider_cost_usd", c));
    return usage;
  }
}
