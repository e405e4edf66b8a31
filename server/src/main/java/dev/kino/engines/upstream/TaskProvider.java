package dev.kino.engines.upstream;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What providers share whose task is found again by one field of its ticket (every provider but
 * Kling, whose calls are signed): their engine name and account, that field as the task's id, calls
 * with a Bearer key (fal and Veo send theirs otherwise), and the input fields copied under the
 * provider's names.
 */
abstract class TaskProvider implements Provider {
  static final JsonMapper JSON = JsonMapper.shared();

  final ProviderHttp http;
  private final String engine;
  private final UpstreamModel.Account account;
  private final String idField;

  TaskProvider(String engine, UpstreamModel.Account account, String idField, ProviderHttp http) {
    this.engine = engine;
    this.account = account;
    this.idField = idField;
    this.http = http;
  }

  @Override
  public final String engine() {
    return engine;
  }

  @Override
  public final UpstreamModel.Account account() {
    return account;
  }

  @Override
  public final Optional<ObjectNode> ticket(ObjectNode state) {
    return Provider.ticketWith(state, idField);
  }

  @Override
  public final String taskId(ObjectNode ticket) {
    return ticket.path(idField).asString();
  }

  /** The ticket of a task the provider just created, recorded before anything else happens. */
  final ObjectNode recorded(String id, RunState run) throws IOException, InterruptedException {
    if (id == null || id.isBlank()) {
      throw new IOException(engine + ": the provider's answer names no task");
    }
    ObjectNode ticket = JSON.createObjectNode().put(idField, id);
    run.record(ticket);
    return ticket;
  }

  /** A call to {@code path} under the model's base URL, with its key. */
  HttpRequest.Builder call(UpstreamModel model, String path) {
    return ProviderHttp.request(URI.create(model.baseUrl() + path))
        .header("Authorization", "Bearer " + model.key());
  }

  /** {@code input}'s fields into {@code into} as they are, but those {@code except}. */
  static ObjectNode copied(JsonNode input, Set<String> except, ObjectNode into) {
    input
        .properties()
        .forEach(
            field -> {
              if (!except.contains(field.getKey())) {
                into.set(field.getKey(), field.getValue());
              }
            });
    return into;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public final void close() {
    http.close();
  }
}
