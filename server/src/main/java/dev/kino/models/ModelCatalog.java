package dev.kino.models;

import com.networknt.schema.SchemaException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The models this node serves, by id, in a stable order. Read-only once loaded. */
public final class ModelCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);
  private final Map<String, Model> models;

  private ModelCatalog(Map<String, Model> models) {
    this.models = models;
  }

  /**
   * The built-in definitions, then those in {@code extraDir}; an extra definition with a built-in
   * id replaces it (an operator routing a seed model to another engine, say).
   */
  public static ModelCatalog load(Optional<Path> extraDir) {
    List<ModelDefinition> definitions = new ArrayList<>(ModelLoader.builtIn());
    extraDir.ifPresent(dir -> definitions.addAll(ModelLoader.fromDirectory(dir)));
    Map<String, Model> byId = new LinkedHashMap<>();
    for (ModelDefinition definition : definitions) {
      Model model;
      try {
        model = new Model(definition);
      } catch (SchemaException | IllegalArgumentException e) {
        throw new ModelDefinitionException(
            definition.source() + ": input_schema is not a usable JSON Schema: " + e.getMessage(),
            e);
      }
      if (byId.put(definition.id(), model) != null) {
        LOG.info(
            "model {} from {} replaces the built-in definition",
            definition.id(),
            definition.source());
      }
    }
    return new ModelCatalog(Collections.unmodifiableMap(byId));
  }

  /**
   * This catalog with each definition as {@code change} makes it (some of its routes left out);
   * empty leaves the model out.
   */
  public ModelCatalog withDefinitions(Function<ModelDefinition, Optional<ModelDefinition>> change) {
    Map<String, Model> changed = new LinkedHashMap<>();
    models.forEach(
        (id, model) ->
            change
                .apply(model.definition())
                .ifPresent(
                    d ->
                        changed.put(
                            id, d == model.definition() ? model : model.withDefinition(d))));
    return new ModelCatalog(Collections.unmodifiableMap(changed));
  }

  /**
   * This catalog with each model also checked by its engine's rule, where {@code rules} gives one.
   */
  public ModelCatalog withEngineRules(Function<ModelDefinition, Optional<InputRule>> rules) {
    Map<String, Model> ruled = new LinkedHashMap<>();
    models.forEach(
        (id, model) ->
            ruled.put(
                id, rules.apply(model.definition()).map(model::withEngineRule).orElse(model)));
    return new ModelCatalog(Collections.unmodifiableMap(ruled));
  }

  public Optional<Model> find(String id) {
    return Optional.ofNullable(models.get(id));
  }

  public Collection<Model> all() {
    return models.values();
  }

  /** Models whose id, title or description contains {@code text}, ignoring case; all when blank. */
  public List<Model> search(String text, String category, String kind) {
    String needle = text == null ? "" : text.toLowerCase(Locale.ROOT).strip();
    return models.values().stream()
        .filter(m -> needle.isEmpty() || haystack(m.definition()).contains(needle))
        .filter(
            m ->
                category == null
                    || category.isBlank()
                    || category.equals(m.definition().category()))
        .filter(m -> kind == null || kind.isBlank() || kind.equals(m.definition().kind()))
        .toList();
  }

  private static String haystack(ModelDefinition d) {
    return (d.id() + "\n" + d.title() + "\n" + d.description()).toLowerCase(Locale.ROOT);
  }
}
