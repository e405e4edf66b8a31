package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import dev.kino.models.InputRule;
import dev.kino.models.ModelDefinitionException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code kling}: Kling's own open-platform API. Every call carries a JWT made from the
 * account's access and secret keys ({@link KlingToken}). A job creates a text-to-video or
 * image-to-video task ({@link KlingRequest} maps the fields) and polls it. The task carries {@code
 * external_task_id} = {@code kino-<job id>}, recorded in the job before the create call, so a job
 * claimed again after a crash looks its task up by that id instead of creating a second one. Seed
 * elements become Kling elements first (one create-element task each, recorded the same way).
 * Kling's answers are {@code {code, message, data}}: codes 1302 (rate) and 1303 (concurrency) mean
 * busy; Kling cannot cancel a task.
 */
final class KlingProvider implements Provider {
  static final UpstreamModel.Account ACCOUNT =
      new UpstreamModel.Account(
          "https://api-singapore.klingai.com",
          List.of("access_key_env", "secret_key_env"),
          d -> Optional.of("kling-v3"));
  private static final Set<Integer> BUSY_CODES = Set.of(1302, 1303);
  private static final int NOT_FOUND = 1203;
  private static final String ELEMENTS = "/v1/general/advanced-custom-elements";
  private static final Duration ELEMENT_POLL = Duration.ofSeconds(1);
  private static final JsonMapper JSON = JsonMapper.shared();

  private final ProviderHttp http =
      new ProviderHttp(KlingProvider::busy, body -> body.path("message").asString(""));
  private final Map<String, KlingToken> tokens = new ConcurrentHashMap<>();
  private final Clock clock;

  KlingProvider(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String engine() {
    return "kling";
  }

  @Override
  public UpstreamModel.Account account() {
    return ACCOUNT;
  }

  @Override
  public void check(UpstreamModel model) {
    String mode = model.settings().path("mode").asString("std");
    if (!Set.of("std", "pro").contains(mode)) {
      throw new ModelDefinitionException(
          model.id()
              + ": engine.settings.mode must be \"std\" or \"pro\" (Kling's tiers), got \""
              + mode
              + "\"");
    }
    if (model.keys().get(1).getBytes(StandardCharsets.UTF_8).length < KlingToken.MIN_SECRET_BYTES) {
      throw new ModelDefinitionException(
          model.id()
              + ": the Kling secret key is shorter than "
              + KlingToken.MIN_SECRET_BYTES
              + " bytes, too short to sign its tokens (HS256); check secret_key_env");
    }
  }

  @Override
  public Optional<InputRule> inputRule(UpstreamModel model) {
    return Optional.of(KlingRequest.shotLimit());
  }

  @Override
  public boolean cancels() {
    return false;
  }

  /** Kling's task list, one task long: signed with the keys, it spends nothing. */
  @Override
  public void verify(UpstreamModel model)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    try {
      data(http.send(call(model, "/v1/videos/text2video?pageNum=1&pageSize=1").GET()));
    } catch (EngineException unsigned) {
      throw new ProviderHttp.Refused(
          new ProviderHttp.Reply(
              401, tools.jackson.databind.node.MissingNode.getInstance(), "", Optional.empty()),
          unsigned.getMessage());
    }
  }

  @Override
  public Optional<ObjectNode> ticket(ObjectNode state) {
    return Provider.ticketWith(state, "task_id");
  }

  @Override
  public ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    List<Long> elementIds = elements(model, task, run);
    String endpoint = "/v1/videos/" + KlingRequest.endpoint(task.input());
    String external = "kino-" + task.jobId();
    boolean triedBefore = external.equals(run.current().path("external_task_id").asString(""));
    Optional<JsonNode> existing = triedBefore ? find(model, endpoint, external) : Optional.empty();
    JsonNode created;
    if (existing.isPresent()) {
      created = existing.get();
      run.log(
          "found Kling task " + created.path("task_id").asString() + " made by an earlier attempt");
    } else {
      run.record(
          JSON.createObjectNode().put("external_task_id", external).put("endpoint", endpoint));
      created =
          create(model, endpoint, KlingRequest.body(model, task.input(), elementIds, external));
    }
    String taskId = created.path("task_id").asString("");
    if (taskId.isBlank()) {
      throw new IOException("Kling's create-task answer has no task_id");
    }
    run.record(JSON.createObjectNode().put("task_id", taskId));
    return run.current();
  }

  /** Kling's ids of the request's elements, making each one that no attempt has made yet. */
  private List<Long> elements(UpstreamModel model, EngineTask task, RunState run)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    JsonNode wanted = task.input().path("elements");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < wanted.size(); i++) {
      JsonNode made = run.current().path("element_ids").path(i);
      if (made.isIntegralNumber()) {
        ids.add(made.asLong());
        continue;
      }
      String elementTask = run.current().path("element_tasks").path(i).asString("");
      if (elementTask.isBlank()) {
        // An attempt that died between Kling's answer and its record left a task under this
        // external id.
        String external = "kino-" + task.jobId() + "-element-" + (i + 1);
        Optional<JsonNode> earlier = find(model, ELEMENTS, external);
        JsonNode answer =
            earlier.isPresent()
                ? earlier.get()
                : create(
                    model,
                    ELEMENTS,
                    KlingRequest.element(wanted.get(i), i, task.jobId(), external));
        elementTask = answer.path("task_id").asString("");
        run.log(
            "making Kling element "
                + (i + 1)
                + " of "
                + wanted.size()
                + " (task "
                + elementTask
                + ")");
        recordElement(run, "element_tasks", i, elementTask);
      }
      long id = awaitElement(model, elementTask, i);
      ids.add(id);
      recordElement(run, "element_ids", i, id);
    }
    return ids;
  }

  private long awaitElement(UpstreamModel model, String elementTask, int index)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    while (true) {
      JsonNode data = data(http.send(call(model, ELEMENTS + "/" + enc(elementTask)).GET()));
      switch (data.path("task_status").asString("")) {
        case "succeed" -> {
          JsonNode id = data.path("task_result").path("elements").path(0).path("element_id");
          if (!id.isNumber() && !id.isString()) {
            throw new IOException(
                "Kling's element task " + elementTask + " succeeded without an element_id");
          }
          return id.asLong();
        }
        case "failed" ->
            throw new EngineException(
                "provider_failed",
                "the provider failed the request: element "
                    + (index + 1)
                    + ": "
                    + data.path("task_status_msg").asString("no reason given"));
        default -> Thread.sleep(ELEMENT_POLL);
      }
    }
  }

  private static void recordElement(RunState run, String field, int index, Object value)
      throws InterruptedException {
    ArrayNode list =
        run.current().path(field) instanceof ArrayNode existing ? existing : JSON.createArrayNode();
    while (list.size() <= index) {
      list.addNull();
    }
    if (value instanceof Long id) {
      list.set(index, id);
    } else {
      list.set(index, String.valueOf(value));
    }
    ObjectNode fields = JSON.createObjectNode();
    fields.set(field, list);
    run.record(fields);
  }

  /** Creates a task (video or element); its {@code data}. */
  private JsonNode create(UpstreamModel model, String route, ObjectNode body)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    return data(
        http.send(
            call(model, route)
                .header("Content-Type", "application/json")
                .POST(ProviderHttp.json(body))));
  }

  /** A task (video or element) by its external id, when Kling has one. */
  private Optional<JsonNode> find(UpstreamModel model, String route, String externalTaskId)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    ProviderHttp.Reply reply = http.exchange(call(model, route + "/" + enc(externalTaskId)).GET());
    if (reply.status() == 404 || reply.body().path("code").asInt(0) == NOT_FOUND) {
      return Optional.empty();
    }
    if (reply.status() >= 300) {
      http.fail(reply);
    }
    return Optional.of(data(reply.body()));
  }

  @Override
  public Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {
    HttpRequest.Builder status;
    try {
      status = call(model, ticket.path("endpoint").asString() + "/" + enc(taskId(ticket)));
    } catch (EngineException unsigned) { // the key cannot sign a token: as Kling refusing it
      throw new ProviderHttp.Refused(
          new ProviderHttp.Reply(
              401, tools.jackson.databind.node.MissingNode.getInstance(), "", Optional.empty()),
          unsigned.getMessage());
    }
    JsonNode data = data(http.send(status.GET()));
    return switch (data.path("task_status").asString("")) {
      case "submitted" -> new Poll.Queued(-1);
      case "succeed" -> new Poll.Done(output(data.path("task_result").path("videos")));
      case "failed" -> new Poll.Failed(data.path("task_status_msg").asString("no reason given"));
      default -> new Poll.Running(-1, List.of());
    };
  }

  private static ObjectNode output(JsonNode videos) {
    ObjectNode output = JSON.createObjectNode();
    if (!videos.isEmpty()) {
      output.put("video", videos.get(0).path("url").asString(""));
    }
    if (videos.size() > 1) {
      ArrayNode all = output.putArray("videos");
      videos.forEach(v -> all.add(v.path("url").asString("")));
    }
    return output;
  }

  @Override
  public boolean cancel(UpstreamModel model, ObjectNode ticket) {
    return false; // Kling's API has no cancel
  }

  @Override
  public String taskId(ObjectNode ticket) {
    return ticket.path("task_id").asString();
  }

  private HttpRequest.Builder call(UpstreamModel model, String path) throws EngineException {
    String bearer =
        tokens
            .computeIfAbsent(
                UpstreamModel.key(model.id(), model.route()),
                id -> new KlingToken(model.keys().get(0), model.keys().get(1), clock))
            .bearer();
    return ProviderHttp.request(URI.create(model.baseUrl() + path))
        .header("Authorization", "Bearer " + bearer);
  }

  /**
   * The {@code data} of a successful answer; Kling signals some refusals with HTTP 200 and a
   * non-zero code.
   */
  private static JsonNode data(JsonNode answer) throws ProviderHttp.Refused {
    int code = answer.path("code").asInt(0);
    if (code != 0) {
      throw new ProviderHttp.Refused(
          new ProviderHttp.Reply(200, answer, answer.toString(), Optional.empty()),
          answer.path("message").asString("code " + code));
    }
    return answer.path("data");
  }

  /** Kling's service codes (its API's "error code" table), then the HTTP status. */
  @Override
  public ProviderFailure refusal(ProviderHttp.Refused refused) {
    int code = refused.reply.body().path("code").asInt(0);
    String kind =
        switch (code) {
          case 1000, 1001, 1002, 1003, 1004, 1100, 1103, 1304 -> Failures.AUTH;
          case 1101, 1102 -> Failures.QUOTA;
          case 1200, 1201 -> Failures.INVALID_INPUT;
          case 1301 -> Failures.CONTENT_REFUSED;
          case 1302, 1303 -> Failures.BUSY;
          case 5000, 5001 -> Failures.UNAVAILABLE;
          case 5002 -> Failures.TIMEOUT;
          case 0 -> ProviderFailure.byStatus(refused.status);
          default -> Failures.FAILED;
        };
    return new ProviderFailure(kind, refused.getMessage())
        .withProviderCode(code == 0 ? "" : String.valueOf(code));
  }

  /** Kling says why a task failed only in words ({@code task_status_msg}). */
  @Override
  public ProviderFailure failure(Poll.Failed failed) {
    return ProviderFailure.fromText(failed.message());
  }

  private static boolean busy(ProviderHttp.Reply reply) {
    return BUSY_CODES.contains(reply.body().path("code").asInt(0));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    http.close();
  }
}
