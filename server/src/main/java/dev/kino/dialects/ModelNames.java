package dev.kino.dialects;

import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import java.util.Optional;

/**
 * A model's names in other APIs: its Kino id, or a two-segment {@code owner/name} (Replicate's
 * form, also accepted by the OpenAI dialect): the id's first segment, {@code /}, then the rest
 * joined with {@code -} ({@code kling/kling-3.0-standard-text-to-video}).
 */
public final class ModelNames {
  private ModelNames() {}

  public static String twoSegment(String id) {
    int slash = id.indexOf('/');
    return slash < 0
        ? id
        : id.substring(0, slash) + "/" + id.substring(slash + 1).replace('/', '-');
  }

  /** The model a Kino id or a two-segment name names. */
  public static Optional<Model> find(ModelCatalog catalog, String name) {
    return catalog
        .find(name)
        .or(() -> catalog.all().stream().filter(m -> twoSegment(m.id()).equals(name)).findFirst());
  }
}
