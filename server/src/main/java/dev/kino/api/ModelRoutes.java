package dev.kino.api;

import dev.kino.dialects.ModelNames;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.models.ModelDefinition;
import dev.kino.models.ModelPricing;
import dev.kino.requests.Submission;
import dev.kino.requests.Submissions;
import dev.kino.requests.Submitted;
import io.javalin.http.Context;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The catalogue ({@code GET /v1/models...}) and submit ({@code POST /v1/models/{model_id}}). */
final class ModelRoutes {
  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  private final ModelCatalog catalog;
  private final Submissions submissions;
  private final JobViews views;
  private final Links links;
  private final Function<String, Optional<String>> unavailable;
  private final Function<String, Optional<ObjectNode>> health;

  ModelRoutes(
      ModelCatalog catalog,
      Submissions submissions,
      JobViews views,
      Links links,
      Function<String, Optional<String>> unavailable,
      Function<String, Optional<ObjectNode>> health) {
    this.health = health;
    this.catalog = catalog;
    this.submissions = submissions;
    this.views = views;
    this.links = links;
    this.unavailable = unavailable;
  }

  void list(Context ctx) {
    int limit = Paging.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    int offset = Paging.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    boolean includeSchema = boolParam(ctx, "include_schema");
    Caller caller = Authenticator.caller(ctx);
    List<Model> found =
        catalog
            .search(ctx.queryParam("search"), ctx.queryParam("category"), ctx.queryParam("kind"))
            .stream()
            .filter(m -> caller.models().allows(m.definition().id()))
            .toList();
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ArrayNode models = body.putArray("models");
    found.stream()
        .skip(offset)
        .limit(limit)
        .forEach(m -> models.add(describe(m.definition(), includeSchema)));
    body.put("total", found.size());
    body.put("limit", limit);
    body.put("offset", offset);
    Responses.json(ctx, 200, body);
  }

  /**
   * One model, with whether it can run now (and why not: its jobs wait meanwhile); for an admin,
   * how its routes stand.
   */
  void show(Context ctx) {
    ModelDefinition definition = model(ctx).definition();
    ObjectNode body = describe(definition, true);
    Optional<String> why = unavailable.apply(definition.id());
    body.put("available", why.isEmpty());
    why.ifPresent(w -> body.put("unavailable_reason", w));
    if (Authenticator.caller(ctx).admin()) {
      // How its routes stand (each one's circuit) is the operator's business, not the caller's.
      health.apply(definition.id()).ifPresent(h -> body.set("routing", h));
    }
    Responses.json(ctx, 200, body);
  }

  /**
   * Parse, validate against the model, honour an {@code Idempotency-Key}, check input URLs, and
   * queue the job durably before answering (see {@link Submissions}).
   */
  void submit(Context ctx) {
    Submission request = links.submission(ctx, model(ctx), RequestBodies.json(ctx));
    Submitted submitted = submissions.submit(request);
    if (submitted.replayed()) {
      ctx.header("Idempotent-Replayed", "true");
    }
    Responses.json(ctx, 200, views.submitted(request.baseUrl(), submitted.job()));
  }

  /**
   * {@code POST /v1/models/{model_id}/estimate}: the body checked as a submit checks it, and what
   * the job would cost by the model's pricing, with the units counted; nothing is queued.
   */
  void estimate(Context ctx) {
    Model model = model(ctx);
    ObjectNode input = submissions.checkedInput(model, RequestBodies.json(ctx));
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("model_id", model.id());
    Optional<ModelPricing> pricing = model.definition().pricing();
    if (pricing.isEmpty()) {
      body.putNull("cost_usd");
      body.put("priced", false);
      body.put("note", "this model's definition has no pricing");
    } else {
      ModelPricing.Cost cost = pricing.get().estimate(input);
      body.put("cost_usd", cost.usd());
      body.put("priced", true);
      ObjectNode units = body.putObject("units");
      units.put("video_seconds", cost.seconds());
      units.put("per_second_usd", cost.perSecond());
      units.put("per_job_usd", cost.perJob());
      body.put("pricing_source", pricing.get().source());
    }
    body.put("currency", "USD");
    Responses.json(ctx, 200, body);
  }

  /** The model of the path, if this caller's key may use it (403 otherwise). */
  private Model model(Context ctx) {
    String id = ctx.pathParam("model_id");
    Model model = find(id);
    Authenticator.caller(ctx).requireModel(id);
    return model;
  }

  private Model find(String id) {
    return catalog
        .find(id)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "model_not_found",
                    "no model \"" + id + "\" on this server; GET /v1/models lists the catalogue"));
  }

  private static ObjectNode describe(ModelDefinition d, boolean includeSchema) {
    ObjectNode m = JsonMapper.shared().createObjectNode();
    m.put("id", d.id());
    m.put("title", d.title());
    m.put("description", d.description());
    m.put("category", d.category());
    m.put("kind", d.kind());
    m.put("engine", d.engine());
    m.put("replicate_name", ModelNames.twoSegment(d.id()));
    d.pricing()
        .ifPresent(
            p -> {
              ObjectNode pricing = m.putObject("pricing");
              pricing.put("per_second_usd", p.perSecond());
              ArrayNode rates = pricing.putArray("rates");
              p.rates()
                  .forEach(
                      r -> {
                        ObjectNode rate = rates.addObject();
                        ObjectNode when = rate.putObject("when");
                        r.when().forEach(when::set);
                        rate.put("per_second_usd", r.perSecond());
                      });
              pricing.put("per_job_usd", p.perJob());
              pricing.put("source", p.source());
            });
    if (includeSchema) {
      m.set("input_schema", d.inputSchema());
      m.set("output_schema", d.outputSchema());
    }
    return m;
  }

  private static boolean boolParam(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    return raw != null
        && (raw.equalsIgnoreCase("true") || raw.equals("1") || raw.equalsIgnoreCase("yes"));
  }
}
