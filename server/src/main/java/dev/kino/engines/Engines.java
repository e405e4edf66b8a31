package dev.kino.engines;

import dev.kino.models.ModelDefinition;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The engines this node can run, by the name model definitions use ({@code "engine": {"type":
 * ...}}).
 */
public final class Engines implements AutoCloseable {
  private final Map<String, Engine> byName;

  public Engines(Map<String, Engine> byName) {
    this.byName = Map.copyOf(byName);
  }

  public Optional<Engine> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** The engine a model's definition names, if this node has it. */
  public Optional<Engine> serving(ModelDefinition definition) {
    return find(definition.engine());
  }

  public Set<String> names() {
    return byName.keySet();
  }

  /** Stops engines that hold resources (server pools, health checks). */
  @Override
  public void close() {
    for (Engine engine : byName.values()) {
      if (engine instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          // stopping anyway
        }
      }
    }
  }
}
