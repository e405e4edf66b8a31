package dev.kino.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One model as an operator declares it in a definition file: what it is, which engines run it and
 * with what settings (its routes: one for a definition with {@code engine}), and the schemas of its
 * input (normalised to valid JSON Schema) and output.
 *
 * @param source where the definition was read from, for messages
 */
public record ModelDefinition(
    String id,
    String title,
    String description,
    String category,
    String kind,
    List<Route> routes,
    RoutePolicy policy,
    ObjectNode inputSchema,
    ObjectNode outputSchema,
    Optional<ModelPricing> pricing,
    String source) {

  /** The engine type definitions name for a model with several routes. */
  public static final String ROUTED = "routes";

  public ModelDefinition {
    routes = List.copyOf(routes);
    if (routes.isEmpty()) {
      throw new IllegalArgumentException(id + ": a model needs at least one route");
    }
  }

  /**
   * The engine that runs the model: its one route's, or {@link #ROUTED} when it has several (the
   * routes' engine picks one per job).
   */
  public String engine() {
    return routes.size() == 1 ? routes.getFirst().engine() : ROUTED;
  }

  /** The settings of the model's first route (its only one, for a single-engine definition). */
  public ObjectNode engineSettings() {
    return routes.getFirst().settings();
  }

  /** The name of the model's first route. */
  public String routeName() {
    return routes.getFirst().name();
  }

  /**
   * This model as it runs on one of its routes: that route alone, with the route's prices when it
   * has its own. What an engine is given to build a route's state from.
   */
  public ModelDefinition onRoute(Route route) {
    return with(List.of(route), route.pricing().or(() -> pricing));
  }

  /** This model with only {@code kept} of its routes (those this node can serve). */
  public ModelDefinition withRoutes(List<Route> kept) {
    return with(kept, pricing);
  }

  private ModelDefinition with(List<Route> someRoutes, Optional<ModelPricing> prices) {
    return new ModelDefinition(
        id,
        title,
        description,
        category,
        kind,
        someRoutes,
        policy,
        inputSchema,
        outputSchema,
        prices,
        source);
  }

  /** The route named {@code name}, if the model (still) has it. */
  public Optional<Route> route(String name) {
    return routes.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /** The prices of a job run on {@code route} (the route's own, else the model's). */
  public Optional<ModelPricing> pricingOn(Optional<String> route) {
    return route.flatMap(this::route).flatMap(Route::pricing).or(() -> pricing);
  }

  /**
   * The output fields a completed job must have: the output schema's {@code required} when it says,
   * otherwise {@code video} when the schema has one (a video model that produced no video has not
   * succeeded, whatever its engine says). The schema may be the output's own or, as in the seed's
   * definitions, wrapped in {@code output}.
   */
  public List<String> requiredOutputs() {
    // The seed's definitions wrap the output's schema in "output"; an operator's may not.
    JsonNode schema =
        outputSchema.path("output").isObject() ? outputSchema.get("output") : outputSchema;
    JsonNode required = schema.get("required");
    if (required != null && required.isArray()) {
      List<String> fields = new ArrayList<>();
      required.forEach(f -> fields.add(f.asString()));
      return fields;
    }
    return schema.path("properties").has("video") ? List.of("video") : List.of();
  }
}
