package dev.kino.api;

import dev.kino.jobs.UsageLedger;
import dev.kino.keys.Budget;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /v1/usage?from=&to=&group_by=model|key|day[&key_id=][&model_id=][&format=csv]}: what
 * the jobs that ended in the range used. A user key sees its own; an admin key everyone's, or one
 * key's with {@code key_id}. The range defaults to the current month (UTC) up to now.
 */
final class UsageRoutes {
  private final UsageLedger ledger;
  private final Clock clock;

  UsageRoutes(UsageLedger ledger, Clock clock) {
    this.ledger = ledger;
    this.clock = clock;
  }

  void report(Context ctx) {
    Caller caller = Authenticator.caller(ctx);
    Instant now = clock.instant();
    Instant from = time(ctx, "from").orElse(Budget.monthStart(now));
    Instant to = time(ctx, "to").orElse(now.plusMillis(1));
    UsageLedger.GroupBy groupBy = groupBy(ctx);
    Optional<String> keyId =
        Optional.ofNullable(ctx.queryParam("key_id")).filter(k -> !k.isBlank());
    Optional<String> owner;
    if (caller.admin()) {
      owner = keyId;
    } else {
      if (keyId.isPresent() && !keyId.get().equals(caller.ownerId())) {
        throw ApiException.forbidden(
            "admin_key_required", "a user key sees only its own usage; leave key_id out");
      }
      owner = Optional.of(caller.ownerId());
    }
    Optional<String> model =
        Optional.ofNullable(ctx.queryParam("model_id")).filter(m -> !m.isBlank());
    List<UsageLedger.Row> rows = ledger.report(from, to, groupBy, owner, model);
    String format = Optional.ofNullable(ctx.queryParam("format")).orElse("json");
    if (format.equals("csv")) {
      csv(ctx, groupBy, rows);
      return;
    }
    if (!format.equals("json")) {
      throw badParameter("format", "format must be json or csv");
    }
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("from", from.toString());
    body.put("to", to.toString());
    body.put("group_by", groupBy.name().toLowerCase(Locale.ROOT));
    ArrayNode items = body.putArray("usage");
    BigDecimal total = BigDecimal.ZERO;
    for (UsageLedger.Row row : rows) {
      ObjectNode item = items.addObject();
      item.put(groupBy.name().toLowerCase(Locale.ROOT), row.group());
      item.put("jobs", row.jobs());
      item.put("completed", row.completed());
      item.put("video_seconds", row.videoSeconds());
      item.put("run_seconds", row.runSeconds());
      item.put("cost_usd", row.costUsd());
      total = total.add(row.costUsd());
    }
    body.put("total_cost_usd", total);
    body.put("currency", "USD");
    Responses.json(ctx, 200, body);
  }

  private static void csv(Context ctx, UsageLedger.GroupBy groupBy, List<UsageLedger.Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append(groupBy.name().toLowerCase(Locale.ROOT))
        .append(",jobs,completed,video_seconds,run_seconds,cost_usd\r\n");
    for (UsageLedger.Row row : rows) {
      out.append(quoted(row.group()))
          .append(',')
          .append(row.jobs())
          .append(',')
          .append(row.completed())
          .append(',')
          .append(row.videoSeconds())
          .append(',')
          .append(row.runSeconds())
          .append(',')
          .append(row.costUsd().toPlainString())
          .append("\r\n");
    }
    ctx.status(200).contentType("text/csv; charset=utf-8");
    ctx.header("Content-Disposition", "attachment; filename=\"kino-usage.csv\"");
    ctx.result(out.toString());
  }

  /** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
  private static String quoted(String field) {
    return field.matches(".*[\",\r\n].*") ? '"' + field.replace("\"", "\"\"") + '"' : field;
  }

  private static UsageLedger.GroupBy groupBy(Context ctx) {
    String raw = Optional.ofNullable(ctx.queryParam("group_by")).orElse("model");
    try {
      return UsageLedger.GroupBy.valueOf(raw.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw badParameter("group_by", "group_by must be model, key or day, got \"" + raw + "\"");
    }
  }

  /** {@code 2026-12-01} (midnight UTC) or an ISO-8601 instant. */
  private static Optional<Instant> time(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          raw.length() == 10
              ? LocalDate.parse(raw).atStartOfDay(ZoneOffset.UTC).toInstant()
              : Instant.parse(raw));
    } catch (DateTimeParseException e) {
      throw badParameter(
          name, name + " must be a date (2026-12-01) or an ISO-8601 time, got \"" + raw + "\"");
    }
  }

  private static ApiException badParameter(String name, String message) {
    return new ApiException(400, 400002, "invalid_parameter", message);
  }
}
