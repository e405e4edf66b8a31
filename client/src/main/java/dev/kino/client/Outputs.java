package dev.kino.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A completed request's output files as URLs, by field ({@code video}, {@code image}, ...). Kino's
 * URLs are signed and open without the key until they expire.
 */
public final class Outputs {
  private final Map<String, List<String>> byField;

  private Outputs(Map<String, List<String>> byField) {
    this.byField = byField;
  }

  static Outputs from(JsonNode output) {
    Map<String, List<String>> fields = new LinkedHashMap<>();
    if (output != null && output.isObject()) {
      for (Map.Entry<String, JsonNode> field : output.properties()) {
        List<String> urls = new ArrayList<>();
        if (field.getValue().isArray()) {
          field.getValue().forEach(v -> urls.add(v.asString()));
        } else if (field.getValue().isString()) {
          urls.add(field.getValue().asString());
        }
        fields.put(field.getKey(), List.copyOf(urls));
      }
    }
    return new Outputs(fields);
  }

  /** The video's URL (the seed models' one output). */
  public Optional<String> video() {
    return first("video");
  }

  /** The poster image's URL, when the engine made one. */
  public Optional<String> image() {
    return first("image");
  }

  /** The main output: the video, or else the first file of any field. */
  public Optional<String> primary() {
    return video().or(() -> byField.values().stream().flatMap(List::stream).findFirst());
  }

  /** The first URL of a field. */
  public Optional<String> first(String field) {
    List<String> urls = byField.get(field);
    return urls == null || urls.isEmpty() ? Optional.empty() : Optional.of(urls.getFirst());
  }

  /** Every field with its URLs, in the server's order. */
  public Map<String, List<String>> all() {
    return java.util.Collections.unmodifiableMap(byField);
  }

  public boolean isEmpty() {
    return byField.isEmpty();
  }

  @Override
  public String toString() {
    return byField.toString();
  }
}
