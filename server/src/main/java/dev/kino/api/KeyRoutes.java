package dev.kino.api;

import dev.kino.jobs.JobRequests;
import dev.kino.jobs.Spending;
import dev.kino.keys.ApiKey;
import dev.kino.keys.CreatedKey;
import dev.kino.keys.KeyLimits;
import dev.kino.keys.KeyStore;
import dev.kino.keys.ModelPatterns;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.util.OptionalInt;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * API keys over the API: made, listed, changed and revoked by admin keys ({@code /v1/keys...});
 * {@code GET /v1/keys/self} for any key, with the limits that hold for it and what it uses now. A
 * key's secret is answered once, when it is made.
 */
final class KeyRoutes {
  private final KeyStore keys;
  private final JobRequests jobs;
  private final Authenticator auth;
  private final Clock clock;

  KeyRoutes(KeyStore keys, JobRequests jobs, Authenticator auth, Clock clock) {
    this.keys = keys;
    this.jobs = jobs;
    this.auth = auth;
    this.clock = clock;
  }

  /** {@code POST /v1/keys}: 201 with the key and its {@code secret}, shown this once. */
  void create(Context ctx) {
    Authenticator.caller(ctx).requireAdmin();
    CreatedKey created =
        keys.create(KeyBodies.forCreate(RequestBodies.json(ctx), clock.instant()), clock.instant());
    ObjectNode body = view(created.key());
    body.put("secret", created.plaintext());
    Responses.json(ctx, 201, body);
  }

  void list(Context ctx) {
    Authenticator.caller(ctx).requireAdmin();
    ObjectNode body = JsonMapper.shared().createObjectNode();
    ArrayNode items = body.putArray("keys");
    keys.list().forEach(k -> items.add(view(k)));
    body.put("total", items.size());
    Responses.json(ctx, 200, body);
  }

  void show(Context ctx) {
    Authenticator.caller(ctx).requireAdmin();
    Responses.json(ctx, 200, view(key(ctx)));
  }

  /** {@code PATCH /v1/keys/{id}}: name, limits, models, expiry; what the body leaves out stays. */
  void update(Context ctx) {
    Authenticator.caller(ctx).requireAdmin();
    ApiKey key = key(ctx);
    ApiKey updated =
        keys.update(
                key.id(),
                KeyBodies.forUpdate(RequestBodies.json(ctx), key.limits(), clock.instant()))
            .orElseThrow();
    auth.changed(key.id());
    Responses.json(ctx, 200, view(updated));
  }

  /** {@code DELETE /v1/keys/{id}}: revoked at once here, within a second on every node. */
  void revoke(Context ctx) {
    Authenticator.caller(ctx).requireAdmin();
    ApiKey key = key(ctx);
    keys.revoke(key.id(), clock.instant());
    auth.changed(key.id());
    Responses.json(ctx, 200, view(keys.find(key.id()).orElseThrow()));
  }

  /** {@code GET /v1/keys/self}: the calling key, the limits that hold for it, what it uses. */
  void self(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    ObjectNode body =
        keys.find(caller.ownerId()).map(this::view).orElseGet(() -> operatorView(caller.ownerId()));
    body.set("effective_limits", limits(caller.limits()));
    JobRequests.OwnerLoad load = jobs.load(caller.ownerId());
    ObjectNode usage = body.putObject("usage");
    usage.put("queued", load.queued());
    usage.put("running", load.running());
    caller
        .limits()
        .budget()
        .ifPresent(
            budget -> {
              Instant since = budget.periodStart(clock.instant());
              Spending spent = jobs.spending(caller.ownerId(), since);
              ObjectNode money = usage.putObject("budget");
              money.put("budget_usd", budget.usd());
              money.put("period", budget.period().wire());
              money.put("period_start", since.toString());
              money.put("spent_usd", spent.chargedUsd());
              money.put("reserved_usd", spent.reservedUsd());
              money.put("left_usd", spent.leftOf(budget.usd()));
            });
    Responses.json(ctx, 200, body);
  }

  private ApiKey key(Context ctx) {
    String id = ctx.pathParam("key_id");
    return keys.find(id)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "key_not_found", "no API key \"" + id + "\"; GET /v1/keys lists them"));
  }

  private ObjectNode view(ApiKey key) {
    Instant now = clock.instant();
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("id", key.id());
    body.put("name", key.name());
    body.put("prefix", key.prefix());
    body.put("admin", key.admin());
    body.put(
        "state",
        key.revokedAt().isPresent() ? "revoked" : key.activeAt(now) ? "active" : "expired");
    body.set("limits", limits(key.limits()));
    models(body, key.models());
    body.put("created_at", key.createdAt().toString());
    body.put("expires_at", key.expiresAt().map(Instant::toString).orElse(null));
    body.put("revoked_at", key.revokedAt().map(Instant::toString).orElse(null));
    return body;
  }

  /** The operator's {@code KINO_ADMIN_KEY}, which has no row: admin, no limits, every model. */
  private static ObjectNode operatorView(String ownerId) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("id", ownerId);
    body.put("name", "KINO_ADMIN_KEY");
    body.put("admin", true);
    body.put("state", "active");
    body.set("limits", limits(KeyLimits.NONE));
    models(body, ModelPatterns.ALL);
    return body;
  }

  private static void models(ObjectNode body, ModelPatterns models) {
    if (models.patterns().isEmpty()) {
      body.putNull("models");
    } else {
      ArrayNode list = body.putArray("models");
      models.patterns().get().forEach(list::add);
    }
  }

  private static ObjectNode limits(KeyLimits limits) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    put(body, "max_running", limits.maxRunning());
    put(body, "max_queued", limits.maxQueued());
    put(body, "submits_per_minute", limits.submitsPerMinute());
    if (limits.budget().isPresent()) {
      body.put("budget_usd", limits.budget().get().usd());
      body.put("budget_period", limits.budget().get().period().wire());
    } else {
      body.putNull("budget_usd");
      body.putNull("budget_period");
    }
    return body;
  }

  private static void put(ObjectNode body, String name, OptionalInt value) {
    if (value.isPresent()) {
      body.put(name, value.getAsInt());
    } else {
      body.putNull(name);
    }
  }
}
