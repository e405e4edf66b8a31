package dev.kino.engines.upstream;

import dev.kino.config.Credentials;
import dev.kino.models.ModelDefinition;
import dev.kino.models.ModelDefinitionException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Where one Kino model runs upstream on one of its routes, from the route's {@code
 * engine.settings}: the provider's base URL, the provider's id for the model, the keys (read from
 * the environment variables the definition names, never from the file), whether Kino's {@code seed}
 * is passed on, how many of the account's tasks may run at once, and the settings themselves for
 * what only one provider reads.
 */
public record UpstreamModel(
    String id,
    String route,
    URI baseUrl,
    String providerModel,
    List<String> keys,
    boolean sendSeed,
    int concurrency,
    JsonNode settings) {
  static final int DEFAULT_CONCURRENCY = 4;

  /**
   * A URL the provider gave for a task ({@code what} names it in the refusal). The key goes with
   * every call, so only to the origin the definition names: a URL elsewhere is refused rather than
   * followed.
   */
  URI sameOrigin(String url, String what) throws IOException {
    URI uri = URI.create(url);
    if (!Objects.equals(uri.getScheme(), baseUrl.getScheme())
        || !Objects.equals(uri.getHost(), baseUrl.getHost())
        || uri.getPort() != baseUrl.getPort()) {
      throw new IOException(
          what + " " + uri + " is not at " + baseUrl + "; not following it with the key");
    }
    return uri;
  }

  /**
   * What a provider needs from a definition: its default base URL, the settings naming the
   * variables of its keys (in the order the provider reads them), and the provider's model when the
   * definition names none (empty: the definition must name it).
   */
  record Account(
      String defaultBase,
      List<String> keySettings,
      Function<ModelDefinition, Optional<String>> defaultModel) {}

  /**
   * The model's upstream, or empty when one of its keys is not set (the model is then not served).
   */
  static Optional<UpstreamModel> from(
      ModelDefinition definition, Account account, Credentials credentials) {
    JsonNode settings = definition.engineSettings();
    String where = definition.source() + ": engine.settings";
    List<String> keys = new ArrayList<>();
    for (String keySetting : account.keySettings()) {
      String variable = settings.path(keySetting).asString("");
      if (variable.isBlank()) {
        throw new ModelDefinitionException(
            where
                + " needs \""
                + keySetting
                + "\": the name of the environment variable holding the provider's key");
      }
      Optional<String> key = credentials.find(variable);
      if (key.isEmpty()) {
        return Optional.empty();
      }
      keys.add(key.get());
    }
    URI base;
    try {
      base =
          URI.create(
              settings.path("base_url").asString(account.defaultBase()).replaceAll("/+$", ""));
    } catch (IllegalArgumentException e) {
      throw new ModelDefinitionException(where + ".base_url is not a URL: " + e.getMessage());
    }
    if (!("https".equals(base.getScheme()) || "http".equals(base.getScheme()))
        || base.getHost() == null) {
      throw new ModelDefinitionException(
          where + ".base_url must be an absolute http(s) URL, got " + base);
    }
    int concurrency = settings.path("concurrency").asInt(DEFAULT_CONCURRENCY);
    if (concurrency < 1) {
      throw new ModelDefinitionException(
          where + ".concurrency must be at least 1, got " + concurrency);
    }
    String providerModel =
        settings.path("model").asString(account.defaultModel().apply(definition).orElse(""));
    if (providerModel.isBlank()) {
      throw new ModelDefinitionException(
          where + " needs \"model\": the provider's id for this model");
    }
    boolean sendSeed = settings.path("send_seed").asBoolean(false);
    return Optional.of(
        new UpstreamModel(
            definition.id(),
            definition.routeName(),
            base,
            providerModel,
            List.copyOf(keys),
            sendSeed,
            concurrency,
            settings));
  }

  /**
   * The environment variables a definition takes its keys from (for the message when one is not
   * set).
   */
  static List<String> keyVariables(ModelDefinition definition, Account account) {
    return variables(definition.engineSettings(), account);
  }

  /** The environment variables this model's keys came from (for messages; never the keys). */
  List<String> keyVariables(Account account) {
    return variables(settings, account);
  }

  /**
   * The account this model's tasks are counted against: its base URL and the names of its key
   * variables. Never the keys: it names the account's places in a cluster's database.
   */
  String accountName(Account account) {
    return baseUrl + " " + String.join(",", keyVariables(account));
  }

  private static List<String> variables(JsonNode settings, Account account) {
    return account.keySettings().stream().map(s -> settings.path(s).asString("")).toList();
  }

  /** How an engine finds the model of a task: its id and the route the task is on. */
  static String key(String id, String route) {
    return id + " @" + route;
  }

  String key() {
    return keys.getFirst();
  }

  @Override
  public String toString() {
    return "UpstreamModel["
        + id
        + " ("
        + route
        + ") -> "
        + baseUrl
        + " "
        + providerModel
        + "]"; // never the keys
  }
}
