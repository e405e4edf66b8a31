package dev.kino.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A models directory routing built-in models to another engine, or to several (routes), with the
 * schemas from the built-ins ({@code based_on}).
 */
public final class RoutedModels {
  private RoutedModels() {}

  /** One route for {@link #routed}: a name, an engine and its settings. */
  public static ObjectNode route(String name, String engine, ObjectNode settings) {
    ObjectNode route = JsonMapper.shared().createObjectNode().put("name", name);
    route.putObject("engine").put("type", engine).set("settings", settings);
    return route;
  }

  /**
   * A definition of the built-in {@code id} run on several routes; {@code fields} adds the policy
   * and anything else ({@code policy}, {@code circuit_breaker}).
   */
  public static Path routed(String id, ObjectNode fields, ObjectNode... routes) {
    return routed(dir(), id, fields, routes);
  }

  /** As {@link #routed(String, ObjectNode, ObjectNode...)}, written into {@code dir}. */
  public static Path routed(Path dir, String id, ObjectNode fields, ObjectNode... routes) {
    ObjectNode definition = fields.deepCopy().put("id", id).put("based_on", id);
    definition.putArray("routes").addAll(java.util.List.of(routes));
    write(dir, id, definition);
    return dir;
  }

  /** An empty models directory. */
  public static Path dir() {
    try {
      return Files.createTempDirectory("kino-routed-models-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path dir, String id, ObjectNode definition) {
    try {
      Path file = dir.resolve(id + ".json");
      Files.createDirectories(file.getParent());
      Files.writeString(file, JsonMapper.shared().writeValueAsString(definition));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Definitions of {@code ids} on {@code engine}, each with the settings {@code settings} gives for
   * its id.
   */
  public static Path to(String engine, Function<String, ObjectNode> settings, String... ids) {
    Path dir = dir();
    for (String id : ids) {
      ObjectNode definition =
          JsonMapper.shared().createObjectNode().put("id", id).put("based_on", id);
      definition.putObject("engine").put("type", engine).set("settings", settings.apply(id));
      write(dir, id, definition);
    }
    return dir;
  }
}
