package dev.kino.api;

import dev.kino.inputs.InputException;
import dev.kino.inputs.InputFiles;
import dev.kino.jobs.Job;
import dev.kino.jobs.JobStore;
import dev.kino.jobs.NewJob;
import dev.kino.models.FieldProblem;
import dev.kino.models.InvalidInputException;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.models.ModelDefinition;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The catalogue ({@code GET /v1/models...}) and submit ({@code POST /v1/models/{model_id}}). */
final class ModelRoutes {
  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  private final ModelCatalog catalog;
  private final JobStore store;
  private final InputFiles inputs;
  private final JobViews views;
  private final Runnable onSubmit;
  private final Clock clock;
  private final int maxAttempts;

  ModelRoutes(
      ModelCatalog catalog, JobStore store, InputFiles inputs, JobViews views, Runnable onSubmit, Clock clock, int maxAttempts) {
    this.catalog = catalog;
    this.store = store;
    this.inputs = inputs;
    this.views = views;
    this.onSubmit = onSubmit;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
  }

  void list(Context ctx) {
    int limit = Paging.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    int offset = Paging.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    boolean includeSchema = boolParam(ctx, "include_schema");
    List<Model> found = catalog.search(ctx.queryParam("search"), ctx.queryParam("category"), ctx.queryParam("kind"));
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ArrayNode models = body.putArray("models");
    found.stream().skip(offset).limit(limit).forEach(m -> models.add(describe(m.definition(), includeSchema)));
    body.put("total", found.size());
    body.put("limit", limit);
    body.put("offset", offset);
    Responses.json(ctx, 200, body);
  }

  void show(Context ctx) {
    Responses.json(ctx, 200, describe(model(ctx).definition(), true));
  }

  void submit(Context ctx) {
    Model model = model(ctx);
    JsonNode body = parseBody(ctx);
    ObjectNode input;
    try {
      input = model.validate(body);
    } catch (InvalidInputException e) {
      throw ApiException.invalidInput(e.problems());
    }
    String owner = Authenticator.caller(ctx).ownerId();
    checkUrls(input, owner);
    Job job = store.submit(new NewJob(owner, model.id(), input, maxAttempts), clock.instant());
    onSubmit.run();
    Responses.json(ctx, 200, views.submitted(ctx, job));
  }

  private Model model(Context ctx) {
    String id = ctx.pathParam("model_id");
    return catalog
        .find(id)
        .orElseThrow(
            () -> ApiException.notFound("model_not_found", "no model \"" + id + "\" on this server; GET /v1/models lists the catalogue"));
  }

  private static JsonNode parseBody(Context ctx) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (!type.isEmpty()
        && !type.startsWith("application/json")
        && !type.contains("+json")
        && !type.startsWith("text/plain")
        && !type.startsWith("application/x-www-form-urlencoded")) {
      throw new ApiException(415, 415001, "unsupported_media_type", "send the input as JSON (Content-Type: application/json), not " + ctx.contentType());
    }
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      throw ApiException.malformedJson("the body is empty; send a JSON object with the model's input fields");
    }
    try {
      return JsonMapper.shared().readTree(bytes);
    } catch (JacksonException e) {
      throw ApiException.malformedJson(e.getOriginalMessage());
    }
  }

  /**
   * Refuses, at submit, input URLs that could never be used (wrong scheme, internal addresses including names
   * that resolve inside, others' uploads, bad inline data), so the client hears at once rather than from a
   * failed job. Fetching itself happens when the job runs, which checks everything again.
   */
  private void checkUrls(ObjectNode input, String owner) {
    List<FieldProblem> problems = new ArrayList<>();
    collectUrlProblems(input, "", owner, problems);
    if (!problems.isEmpty()) {
      throw ApiException.invalidInput(problems);
    }
  }

  private void collectUrlProblems(JsonNode node, String path, String owner, List<FieldProblem> problems) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String name = field.getKey();
        String childPath = path.isEmpty() ? name : path + "." + name;
        JsonNode value = field.getValue();
        if (value.isString() && name.endsWith("_url")) {
          check(childPath, value.asString(), owner, problems);
        } else if (value.isArray() && name.endsWith("_urls")) {
          for (int i = 0; i < value.size(); i++) {
            if (value.get(i).isString()) {
              check(childPath + "[" + i + "]", value.get(i).asString(), owner, problems);
            }
          }
        } else {
          collectUrlProblems(value, childPath, owner, problems);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectUrlProblems(node.get(i), path + "[" + i + "]", owner, problems);
      }
    }
  }

  private void check(String path, String url, String owner, List<FieldProblem> problems) {
    try {
      inputs.checkAtSubmit(path, url, owner);
    } catch (InputException e) {
      problems.add(new FieldProblem(path, e.code(), e.getMessage() + " (" + e.url() + ")"));
    }
  }

  private static ObjectNode describe(ModelDefinition d, boolean includeSchema) {
    ObjectNode m = JsonMapper.shared().createObjectNode();
    m.put("id", d.id());
    m.put("title", d.title());
    m.put("description", d.description());
    m.put("category", d.category());
    m.put("kind", d.kind());
    m.put("engine", d.engine());
    if (includeSchema) {
      m.set("input_schema", d.inputSchema());
      m.set("output_schema", d.outputSchema());
    }
    return m;
  }

  private static boolean boolParam(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    return raw != null && (raw.equalsIgnoreCase("true") || raw.equals("1") || raw.equalsIgnoreCase("yes"));
  }
}
