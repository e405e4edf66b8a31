package dev.kino.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The shipped example definitions as a test serves them: copied as they are, except that every
 * engine's {@code base_url} points at a fake of its provider.
 */
public final class Examples {
  private Examples() {}

  /** {@code examples/<relative>} from the server module's directory. */
  public static Path dir(String relative) {
    return Path.of("../examples").resolve(relative);
  }

  /** A copy of the definitions under {@code dir} with each engine at {@code baseUrl}. */
  public static Path pointedAt(Path dir, String baseUrl) {
    try (Stream<Path> files = Files.walk(dir)) {
      Path copy = Files.createTempDirectory("kino-examples-");
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        ObjectNode definition = (ObjectNode) JsonMapper.shared().readTree(Files.readString(file));
        engines(definition)
            .forEach(engine -> engine.withObject("settings").put("base_url", baseUrl));
        Path target = copy.resolve(dir.relativize(file).toString());
        Files.createDirectories(target.getParent());
        Files.writeString(target, JsonMapper.shared().writeValueAsString(definition));
      }
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The shipped definition of {@code modelId} under {@code dir} on two routes of its engine: {@code
   * primary} at {@code primaryUrl}, then {@code spare} at {@code spareUrl}, with {@code fields}
   * (the policy, the circuit breaker) added.
   */
  public static Path onTwoRoutes(
      Path dir, String modelId, String primaryUrl, String spareUrl, ObjectNode fields) {
    ObjectNode definition = (ObjectNode) read(dir.resolve(modelId + ".json"));
    ObjectNode engine = (ObjectNode) definition.remove("engine");
    definition.setAll(fields);
    var routes = definition.putArray("routes");
    for (String[] route : new String[][] {{"primary", primaryUrl}, {"spare", spareUrl}}) {
      ObjectNode copy = engine.deepCopy();
      copy.withObject("settings").put("base_url", route[1]);
      routes.addObject().put("name", route[0]).set("engine", copy);
    }
    try {
      Path copy = Files.createTempDirectory("kino-examples-");
      Path target = copy.resolve(modelId + ".json");
      Files.createDirectories(target.getParent());
      Files.writeString(target, JsonMapper.shared().writeValueAsString(definition));
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The model ids the definitions under {@code dir} declare. */
  public static List<String> modelIds(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".json"))
          .sorted()
          .map(f -> read(f).path("id").asString())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode read(Path file) {
    try {
      return JsonMapper.shared().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<ObjectNode> engines(ObjectNode definition) {
    if (definition.get("engine") instanceof ObjectNode engine) {
      return List.of(engine);
    }
    return definition
        .path("routes")
        .valueStream()
        .map(r -> r.get("engine"))
        .filter(ObjectNode.class::isInstance)
        .map(ObjectNode.class::cast)
        .toList();
  }
}
