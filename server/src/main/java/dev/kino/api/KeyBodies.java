package dev.kino.api;

import dev.kino.keys.Budget;
import dev.kino.keys.KeyLimits;
import dev.kino.keys.KeySpec;
import dev.kino.keys.ModelPatterns;
import dev.kino.models.FieldProblem;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v1/keys} and {@code PATCH /v1/keys/{id}} read into a {@link KeySpec},
 * every problem reported at once with its field path (422, as the models' inputs are). A limit set
 * to {@code null} is removed; one left out is kept (PATCH) or unset (POST).
 */
final class KeyBodies {
  private static final Set<String> FIELDS =
      Set.of("name", "admin", "limits", "models", "expires_at");
  private static final List<String> COUNTS =
      List.of("max_running", "max_queued", "submits_per_minute");
  private static final List<String> LIMITS =
      List.of("max_running", "max_queued", "submits_per_minute", "budget_usd", "budget_period");
  private static final int MAX_PATTERNS = 100;

  private final List<FieldProblem> problems = new ArrayList<>();
  private final Instant now;

  private KeyBodies(Instant now) {
    this.now = now;
  }

  /** A new key's spec: {@code name} required. */
  static KeySpec forCreate(JsonNode body, Instant now) {
    KeyBodies reader = new KeyBodies(now);
    return reader.read(body, KeyLimits.NONE, true);
  }

  /** A change to a key whose limits are {@code current}; {@code admin} cannot change. */
  static KeySpec forUpdate(JsonNode body, KeyLimits current, Instant now) {
    KeyBodies reader = new KeyBodies(now);
    if (body.has("admin")) {
      reader.problem("admin", "read_only", "cannot be changed; make a new key instead");
    }
    return reader.read(body, current, false);
  }

  private KeySpec read(JsonNode body, KeyLimits current, boolean creating) {
    if (!body.isObject()) {
      throw ApiException.invalidInput(
          List.of(new FieldProblem("", "type", "the body must be a JSON object")));
    }
    for (String field : body.propertyNames()) {
      if (!FIELDS.contains(field)) {
        problem(field, "unknown_field", "is not a field of a key; the fields are " + FIELDS);
      }
    }
    Optional<String> name = name(body, creating);
    Optional<Boolean> admin = Optional.empty();
    if (creating && body.has("admin")) {
      if (body.get("admin").isBoolean()) {
        admin = Optional.of(body.get("admin").asBoolean());
      } else {
        problem("admin", "type", "must be true or false");
      }
    }
    Optional<KeyLimits> limits =
        body.has("limits") ? limits(body.get("limits"), current) : Optional.empty();
    Optional<ModelPatterns> models =
        body.has("models") ? models(body.get("models")) : Optional.empty();
    Optional<Optional<Instant>> expiresAt =
        body.has("expires_at") ? Optional.of(expiry(body.get("expires_at"))) : Optional.empty();
    if (!problems.isEmpty()) {
      throw ApiException.invalidInput(problems);
    }
    return new KeySpec(name, admin, limits, models, expiresAt);
  }

  private Optional<String> name(JsonNode body, boolean required) {
    JsonNode name = body.get("name");
    if (name == null) {
      if (required) {
        problem("name", "required", "is required: a name to recognise the key by");
      }
      return Optional.empty();
    }
    if (!name.isString() || name.asString().isBlank() || name.asString().length() > 200) {
      problem("name", "type", "must be a non-empty string of at most 200 characters");
      return Optional.empty();
    }
    return Optional.of(name.asString().strip());
  }

  private Optional<KeyLimits> limits(JsonNode limits, KeyLimits current) {
    if (!limits.isObject()) {
      problem("limits", "type", "must be an object with any of " + LIMITS);
      return Optional.empty();
    }
    for (String field : limits.propertyNames()) {
      if (!LIMITS.contains(field)) {
        problem("limits." + field, "unknown_field", "is not a limit; the limits are " + LIMITS);
      }
    }
    Map<String, OptionalInt> was =
        Map.of(
            "max_running", current.maxRunning(),
            "max_queued", current.maxQueued(),
            "submits_per_minute", current.submitsPerMinute());
    List<OptionalInt> values = new ArrayList<>();
    for (String field : COUNTS) {
      values.add(limits.has(field) ? count("limits." + field, limits.get(field)) : was.get(field));
    }
    return Optional.of(
        new KeyLimits(values.get(0), values.get(1), values.get(2), budget(limits, current)));
  }

  /**
   * {@code budget_usd} (null: none) with {@code budget_period} ({@code total}, the default, or
   * {@code month}); either left out keeps what the key had.
   */
  private Optional<Budget> budget(JsonNode limits, KeyLimits current) {
    Optional<BigDecimal> usd = current.budget().map(Budget::usd);
    if (limits.has("budget_usd")) {
      JsonNode value = limits.get("budget_usd");
      if (value.isNull()) {
        usd = Optional.empty();
      } else if (value.isNumber() && value.decimalValue().signum() >= 0) {
        usd = Optional.of(value.decimalValue());
      } else {
        problem("limits.budget_usd", "type", "must be a number of US dollars, 0 or more, or null");
        return Optional.empty();
      }
    }
    Budget.Period period = current.budget().map(Budget::period).orElse(Budget.Period.TOTAL);
    if (limits.has("budget_period")) {
      JsonNode value = limits.get("budget_period");
      try {
        period = Budget.Period.parse(value.isString() ? value.asString() : "");
      } catch (IllegalArgumentException e) {
        problem("limits.budget_period", "enum", "must be \"total\" or \"month\"");
      }
    }
    Budget.Period chosen = period;
    return usd.map(u -> new Budget(u, chosen));
  }

  private OptionalInt count(String path, JsonNode value) {
    if (value.isNull()) {
      return OptionalInt.empty();
    }
    if (!value.isIntegralNumber() || value.asLong() < 0 || value.asLong() > 1_000_000) {
      problem(path, "type", "must be a whole number from 0 to 1000000, or null for no limit");
      return OptionalInt.empty();
    }
    return OptionalInt.of(value.asInt());
  }

  private Optional<ModelPatterns> models(JsonNode models) {
    if (models.isNull()) {
      return Optional.of(ModelPatterns.ALL);
    }
    if (!models.isArray() || models.size() > MAX_PATTERNS) {
      problem(
          "models",
          "type",
          "must be an array of up to "
              + MAX_PATTERNS
              + " model id patterns (* for any characters), or null for every model");
      return Optional.empty();
    }
    List<String> patterns = new ArrayList<>();
    for (int i = 0; i < models.size(); i++) {
      JsonNode pattern = models.get(i);
      Optional<String> why =
          pattern.isString()
              ? ModelPatterns.problem(pattern.asString())
              : Optional.of("must be a string");
      if (why.isPresent()) {
        problem("models[" + i + "]", "type", why.get());
      } else {
        patterns.add(pattern.asString());
      }
    }
    return Optional.of(ModelPatterns.of(patterns));
  }

  private Optional<Instant> expiry(JsonNode value) {
    if (value.isNull()) {
      return Optional.empty();
    }
    try {
      Instant at = Instant.parse(value.asString());
      if (!at.isAfter(now)) {
        problem("expires_at", "in_past", "must be in the future, got " + at);
      }
      return Optional.of(at);
    } catch (DateTimeParseException e) {
      problem(
          "expires_at", "format", "must be an ISO-8601 time such as 2027-01-31T00:00:00Z, or null");
      return Optional.empty();
    }
  }

  private void problem(String path, String code, String message) {
    problems.add(new FieldProblem(path, code, message));
  }
}
