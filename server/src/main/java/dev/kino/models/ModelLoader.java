package dev.kino.models;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads model definition files: the built-in ones shipped in the jar under {@code models/}, then an
 * operator's directory. A file's path mirrors its model id ({@code
 * kling/kling-3.0/pro/text-to-video.json}), so the tree is the catalogue. Every fault is reported
 * with the file it is in.
 */
final class ModelLoader {
  private static final JsonMapper JSON = JsonMapper.shared();

  private ModelLoader() {}

  static List<ModelDefinition> builtIn() {
    URL root = ModelLoader.class.getClassLoader().getResource("models");
    if (root == null) {
      throw new ModelDefinitionException(
          "the built-in model definitions (models/ on the class path) are missing");
    }
    try {
      URI uri = root.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return fromDirectory(jar.getPath("/models"));
        }
      }
      return fromDirectory(Path.of(uri));
    } catch (URISyntaxException | IOException e) {
      throw new ModelDefinitionException(
          "cannot read the built-in model definitions: " + e.getMessage(), e);
    }
  }

  static List<ModelDefinition> fromDirectory(Path root) {
    List<ModelDefinition> definitions = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(ModelLoader::isDefinition).sorted().toList()) {
        String relative = root.relativize(file).toString().replace('\\', '/');
        definitions.add(parse(relative.substring(0, relative.length() - ".json".length()), file));
      }
    } catch (IOException e) {
      throw new ModelDefinitionException(
          "cannot read model definitions in " + root + ": " + e.getMessage(), e);
    }
    return definitions;
  }

  /**
   * A definition file; {@code *.workflow.json} beside it are the workflows definitions refer to.
   */
  private static boolean isDefinition(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".json") && !name.endsWith(WORKFLOW_SUFFIX);
  }

  private static final String WORKFLOW_SUFFIX = ".workflow.json";

  /**
   * {@code engine.settings.workflow} may name a {@code *.workflow.json} file beside the definition:
   * it is read now (the jar's file system is closed after loading) and put in its place, with
   * {@code workflow_file} naming it for messages.
   */
  private static void inlineWorkflow(ObjectNode settings, Path definition, String where) {
    if (!(settings.get("workflow") instanceof JsonNode named) || !named.isString()) {
      return;
    }
    String name = named.asString();
    if (!name.endsWith(WORKFLOW_SUFFIX) || name.contains("..") || name.startsWith("/")) {
      throw new ModelDefinitionException(
          where
              + ": engine.settings.workflow must name a *"
              + WORKFLOW_SUFFIX
              + " file beside the definition, got \""
              + name
              + "\"");
    }
    Path file = definition.resolveSibling(name);
    try {
      settings.set("workflow", JSON.readTree(Files.readString(file)));
      settings.put("workflow_file", file.toString());
    } catch (JacksonException e) {
      throw new ModelDefinitionException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ModelDefinitionException(
          where + ": the workflow " + name + " cannot be read (" + e + ")", e);
    }
  }

  private static ModelDefinition parse(String expectedId, Path file) {
    String where = file.toString();
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (JacksonException e) {
      throw new ModelDefinitionException(
          where
              + ": not valid JSON at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new ModelDefinitionException(where + ": cannot be read: " + e.getMessage(), e);
    }
    if (!(root instanceof ObjectNode definition)) {
      throw new ModelDefinitionException(where + ": a model definition must be a JSON object");
    }
    inheritBuiltIn(definition, where);
    String id = text(definition, "id", where);
    if (!id.equals(expectedId)) {
      throw new ModelDefinitionException(
          where
              + ": declares id \""
              + id
              + "\" but its path says \""
              + expectedId
              + "\"; a definition's path mirrors its id");
    }
    List<Route> routes = RouteReader.routes(definition, where);
    routes.forEach(route -> inlineWorkflow(route.settings(), file, where));
    ObjectNode input = SchemaNormaliser.normalise(object(definition, "input_schema", where));
    applyDefaultOverrides(definition, input, where);
    return new ModelDefinition(
        id,
        text(definition, "title", where),
        definition.path("description").asString(""),
        definition.path("category").asString("video"),
        definition.path("kind").asString(""),
        routes,
        RouteReader.policy(definition, routes, where),
        input,
        object(definition, "output_schema", where),
        ModelPricing.from(definition.get("pricing"), where),
        where);
  }

  /**
   * What {@code based_on} takes from the built-in definition when the file does not say it itself.
   */
  private static final List<String> INHERITED =
      List.of(
          "title",
          "description",
          "category",
          "kind",
          "input_schema",
          "output_schema",
          "defaults",
          "pricing");

  /**
   * {@code "based_on": "<built-in model id>"} takes the built-in model's title, description,
   * schemas and defaults, so a definition that only routes a seed model to another engine states
   * just the engine.
   */
  private static void inheritBuiltIn(ObjectNode definition, String where) {
    if (!(definition.get("based_on") instanceof JsonNode base) || !base.isString()) {
      return;
    }
    String resource = "models/" + base.asString() + ".json";
    if (base.asString().contains("..")
        || ModelLoader.class.getClassLoader().getResource(resource) == null) {
      throw new ModelDefinitionException(
          where + ": based_on names \"" + base.asString() + "\", which is not a built-in model");
    }
    JsonNode builtIn;
    try (var in = ModelLoader.class.getClassLoader().getResourceAsStream(resource)) {
      builtIn = JSON.readTree(in);
    } catch (IOException | JacksonException e) {
      throw new ModelDefinitionException(
          where + ": the built-in model " + base.asString() + " cannot be read: " + e.getMessage(),
          e);
    }
    for (String field : INHERITED) {
      if (!definition.has(field) && builtIn.has(field)) {
        definition.set(field, builtIn.get(field).deepCopy());
      }
    }
  }

  /**
   * A definition's optional {@code defaults} object replaces the schema's default for those fields.
   */
  private static void applyDefaultOverrides(ObjectNode definition, ObjectNode input, String where) {
    if (!(definition.get("defaults") instanceof ObjectNode defaults)) {
      return;
    }
    for (Map.Entry<String, JsonNode> entry : defaults.properties()) {
      if (!(input.path("properties").get(entry.getKey()) instanceof ObjectNode field)) {
        throw new ModelDefinitionException(
            where
                + ": defaults names \""
                + entry.getKey()
                + "\", which is not a field of input_schema");
      }
      field.set("default", entry.getValue().deepCopy());
    }
  }

  static String text(ObjectNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null || !value.isString() || value.asString().isBlank()) {
      throw new ModelDefinitionException(
          where + ": \"" + field + "\" is required and must be a non-empty string");
    }
    return value.asString();
  }

  static ObjectNode object(ObjectNode node, String field, String where) {
    return Optional.ofNullable(node.get(field))
        .filter(ObjectNode.class::isInstance)
        .map(ObjectNode.class::cast)
        .orElseThrow(
            () ->
                new ModelDefinitionException(
                    where + ": \"" + field + "\" is required and must be an object"));
  }
}
