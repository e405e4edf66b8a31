package dev.kino.node;

import dev.kino.engines.Engine;
import dev.kino.engines.Engines;
import dev.kino.metrics.Metrics;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.models.ModelDefinition;
import dev.kino.models.Route;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.ObjectNode;

/** What the API and the metrics ask of the engine that serves a model, by the model's id. */
final class ServingEngines {
  private ServingEngines() {}

  /** Each route's circuit of the models with several, as gauges read from the routes' engine. */
  static void routeMetrics(ModelCatalog catalog, Engines engines, Metrics metrics) {
    for (Model model : catalog.all()) {
      ModelDefinition d = model.definition();
      if (d.routes().size() < 2) {
        continue;
      }
      for (Route route : d.routes()) {
        Supplier<JsonNode> state =
            () ->
                health(engines, d)
                    .map(h -> h.path("routes"))
                    .flatMap(
                        routes ->
                            routes
                                .valueStream()
                                .filter(r -> r.path("name").asString().equals(route.name()))
                                .findFirst())
                    .orElse(MissingNode.getInstance());
        metrics.route(
            d.id(),
            route.name(),
            () -> state.get().path("circuit").asString("closed").equals("closed") ? 0 : 1,
            () -> state.get().path("consecutive_failures").asDouble(0));
      }
    }
  }

  static boolean cancelsRunningJobs(ModelCatalog catalog, Engines engines, String modelId) {
    return catalog
        .find(modelId)
        .flatMap(m -> engines.serving(m.definition()))
        .map(Engine::cancelsRunningJobs)
        .orElse(false);
  }

  static Optional<String> unavailable(ModelCatalog catalog, Engines engines, String modelId) {
    return catalog
        .find(modelId)
        .flatMap(m -> engines.serving(m.definition()).flatMap(e -> e.unavailable(m.definition())));
  }

  /** The engine's own account of its health (a routed model's circuits), for admins. */
  static Optional<ObjectNode> health(ModelCatalog catalog, Engines engines, String modelId) {
    return catalog.find(modelId).flatMap(m -> health(engines, m.definition()));
  }

  private static Optional<ObjectNode> health(Engines engines, ModelDefinition model) {
    return engines.serving(model).flatMap(e -> e.health(model));
  }
}
