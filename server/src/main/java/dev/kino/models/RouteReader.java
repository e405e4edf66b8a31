package dev.kino.models;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads where a definition runs: {@code "engine": {"type", "settings"}} (one route, named after the
 * engine), or {@code "routes": [{"name", "engine", "pricing", "weight"}, ...]} with {@code
 * "policy"} ({@code fallback}, the default, or {@code weighted}) and {@code "circuit_breaker":
 * {"failures", "cooldown_seconds"}}. Every fault names the file and the field.
 */
final class RouteReader {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

  private RouteReader() {}

  static List<Route> routes(ObjectNode definition, String where) {
    boolean single = definition.has("engine");
    boolean routed = definition.has("routes");
    if (single == routed) {
      throw new ModelDefinitionException(
          where
              + (single
                  ? ": has both \"engine\" and \"routes\"; a model names one engine or several routes"
                  : ": \"engine\" is required (or \"routes\", to run the model on several engines)"));
    }
    if (single) {
      ObjectNode engine = ModelLoader.object(definition, "engine", where);
      String type = ModelLoader.text(engine, "type", where + " engine");
      return List.of(new Route(type, type, settings(engine), Optional.empty(), 1));
    }
    if (!(definition.get("routes") instanceof ArrayNode list) || list.isEmpty()) {
      throw new ModelDefinitionException(where + ": \"routes\" must be a non-empty array");
    }
    List<Route> routes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String at = where + " routes[" + i + "]";
      if (!(list.get(i) instanceof ObjectNode route)) {
        throw new ModelDefinitionException(at + ": a route must be an object");
      }
      ObjectNode engine = ModelLoader.object(route, "engine", at);
      String type = ModelLoader.text(engine, "type", at + " engine");
      String name = route.path("name").asString(type);
      if (!NAME.matcher(name).matches()) {
        throw new ModelDefinitionException(
            at
                + ": name \""
                + name
                + "\" must be lower-case letters, digits, '.', '_' or '-' (it is recorded in jobs)");
      }
      if (!names.add(name)) {
        throw new ModelDefinitionException(
            at + ": a second route named \"" + name + "\"; give each route its own \"name\"");
      }
      JsonNode weight = route.path("weight");
      if (!weight.isMissingNode() && !(weight.isIntegralNumber() && weight.asInt() >= 1)) {
        throw new ModelDefinitionException(at + ": weight must be a whole number >= 1");
      }
      routes.add(
          new Route(
              name,
              type,
              settings(engine),
              ModelPricing.from(route.get("pricing"), at),
              weight.asInt(1)));
    }
    return routes;
  }

  static RoutePolicy policy(ObjectNode definition, List<Route> routes, String where) {
    String kind = definition.path("policy").asString("fallback");
    RoutePolicy.Kind policy;
    try {
      policy = RoutePolicy.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ModelDefinitionException(
          where + ": policy must be \"fallback\" or \"weighted\", got \"" + kind + "\"");
    }
    JsonNode breaker = definition.path("circuit_breaker");
    int failures = breaker.path("failures").asInt(RoutePolicy.DEFAULT.failures());
    long cooldown =
        breaker.path("cooldown_seconds").asLong(RoutePolicy.DEFAULT.cooldown().toSeconds());
    if (failures < 1 || cooldown < 1) {
      throw new ModelDefinitionException(
          where + ": circuit_breaker.failures and cooldown_seconds must be at least 1");
    }
    if (policy == RoutePolicy.Kind.WEIGHTED && routes.size() < 2) {
      throw new ModelDefinitionException(where + ": policy \"weighted\" needs two routes or more");
    }
    return new RoutePolicy(policy, failures, Duration.ofSeconds(cooldown));
  }

  private static ObjectNode settings(ObjectNode engine) {
    return engine.get("settings") instanceof ObjectNode s
        ? s
        : JsonMapper.shared().createObjectNode();
  }
}
