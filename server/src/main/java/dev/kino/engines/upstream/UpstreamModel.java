package dev.kino.engines.upstream;

import dev.kino.config.Credentials;
import dev.kino.models.ModelDefinition;
import dev.kino.models.ModelDefinitionException;
import java.net.URI;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Where one Kino model runs upstream, from its definition's {@code engine.settings}: the provider's base URL,
 * the provider's id for the model, the API key (read from the environment variable the definition names, never
 * from the file), whether Kino's {@code seed} is passed on, and how many of the account's tasks may run at once.
 */
public record UpstreamModel(String id, URI baseUrl, String providerModel, String apiKey, boolean sendSeed, int concurrency) {
  static final String RUNCOMFY_BASE = "https://model-api.runcomfy.net";
  static final int DEFAULT_CONCURRENCY = 4;

  /** The model's upstream, or empty when its key is not set (the model is then not served). */
  public static Optional<UpstreamModel> from(ModelDefinition definition, Credentials credentials) {
    JsonNode settings = definition.engineSettings();
    String where = definition.source() + ": engine.settings";
    String keyEnv = settings.path("api_key_env").asString("");
    if (keyEnv.isBlank()) {
      throw new ModelDefinitionException(where + " needs \"api_key_env\": the name of the environment variable holding the provider's API key");
    }
    URI base;
    try {
      base = URI.create(settings.path("base_url").asString(RUNCOMFY_BASE).replaceAll("/+$", ""));
    } catch (IllegalArgumentException e) {
      throw new ModelDefinitionException(where + ".base_url is not a URL: " + e.getMessage());
    }
    if (!("https".equals(base.getScheme()) || "http".equals(base.getScheme())) || base.getHost() == null) {
      throw new ModelDefinitionException(where + ".base_url must be an absolute http(s) URL, got " + base);
    }
    int concurrency = settings.path("concurrency").asInt(DEFAULT_CONCURRENCY);
    if (concurrency < 1) {
      throw new ModelDefinitionException(where + ".concurrency must be at least 1, got " + concurrency);
    }
    String providerModel = settings.path("model").asString(definition.id());
    boolean sendSeed = settings.path("send_seed").asBoolean(false);
    return credentials.find(keyEnv).map(key -> new UpstreamModel(definition.id(), base, providerModel, key, sendSeed, concurrency));
  }

  /** The environment variable a definition takes its key from (for the message when it is not set). */
  public static String keyVariable(ModelDefinition definition) {
    return definition.engineSettings().path("api_key_env").asString("");
  }

  @Override
  public String toString() {
    return "UpstreamModel[" + id + " -> " + baseUrl + " " + providerModel + "]"; // never the key
  }
}
