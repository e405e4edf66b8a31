package dev.kino.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A models directory routing built-in models to another engine (schemas from the built-ins: {@code
 * based_on}).
 */
public final class RoutedModels {
  private RoutedModels() {}

  /**
   * Definitions of {@code ids} on {@code engine}, each with the settings {@code settings} gives for
   * its id.
   */
  public static Path to(String engine, Function<String, ObjectNode> settings, String... ids) {
    try {
      Path dir = Files.createTempDirectory("kino-routed-models-");
      for (String id : ids) {
        ObjectNode definition =
            JsonMapper.shared().createObjectNode().put("id", id).put("based_on", id);
        definition.putObject("engine").put("type", engine).set("settings", settings.apply(id));
        Path file = dir.resolve(id + ".json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, JsonMapper.shared().writeValueAsString(definition));
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
