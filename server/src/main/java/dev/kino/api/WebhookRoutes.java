package dev.kino.api;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobStore;
import dev.kino.webhooks.Delivery;
import dev.kino.webhooks.WebhookSigner;
import dev.kino.webhooks.WebhookStore;
import io.javalin.http.Context;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The caller's webhook signing secret, and the deliveries of one request's webhooks. */
final class WebhookRoutes {
  private final WebhookSigner signer;
  private final WebhookStore deliveries;
  private final OwnedRequests owned;

  WebhookRoutes(WebhookSigner signer, WebhookStore deliveries, JobStore store) {
    this.signer = signer;
    this.deliveries = deliveries;
    this.owned = new OwnedRequests(store.requests());
  }

  /** {@code GET /v1/webhooks/secret}: the {@code whsec_} secret that signs this key's webhooks. */
  void secret(Context ctx) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("secret", signer.secretFor(Authenticator.caller(ctx).ownerId()));
    body.put("scheme", "Standard Webhooks v1 (HMAC-SHA256 of webhook-id.webhook-timestamp.body)");
    Responses.json(ctx, 200, body);
  }

  /**
   * {@code GET /v1/requests/{id}/webhooks}: every message for the request and each attempt to
   * deliver it.
   */
  void list(Context ctx) {
    Job job = owned.find(ctx);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", job.id());
    job.callback().ifPresent(c -> body.put("webhook_url", c.url()));
    ArrayNode items = body.putArray("webhooks");
    for (Delivery d : deliveries.forJob(job.id())) {
      ObjectNode item = items.addObject();
      item.put("webhook_id", d.id());
      item.put("type", d.type());
      item.put("url", d.url());
      item.put("state", d.state());
      item.put("attempts", d.attempts());
      item.put("created_at", d.createdAt().toString());
      d.nextAttemptAt().ifPresent(t -> item.put("next_attempt_at", t.toString()));
      d.finishedAt().ifPresent(t -> item.put("finished_at", t.toString()));
      ArrayNode history = item.putArray("history");
      for (Delivery.Attempt a : d.history()) {
        ObjectNode entry = history.addObject();
        entry.put("attempt", a.number());
        entry.put("started_at", a.startedAt().toString());
        a.statusCode().ifPresent(code -> entry.put("status_code", code));
        a.error().ifPresent(error -> entry.put("error", error));
        entry.put("duration_ms", a.durationMillis());
      }
      item.set("payload", JsonMapper.shared().readTree(d.payload()));
    }
    Responses.json(ctx, 200, body);
  }
}
