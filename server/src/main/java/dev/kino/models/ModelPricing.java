package dev.kino.models;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a job of a model costs, from its definition's {@code pricing}: a price per second of output
 * video ({@code per_second_usd}), replaced by the first of {@code rates} whose {@code when} fields
 * all equal the job's input (audio on, a resolution tier), plus an optional {@code per_job_usd}.
 * The seconds are the input field {@code seconds_from} (default {@code duration}) for an estimate,
 * and the video the job made for its usage. Amounts are exact decimals, rounded to a millionth of a
 * dollar.
 */
public record ModelPricing(
    BigDecimal perSecond, List<Rate> rates, BigDecimal perJob, String secondsFrom, String source) {

  /** A price per second for the inputs whose {@code when} fields have these values. */
  public record Rate(Map<String, JsonNode> when, BigDecimal perSecond) {
    boolean matches(JsonNode input) {
      return when.entrySet().stream().allMatch(e -> e.getValue().equals(input.get(e.getKey())));
    }
  }

  /** What was counted for a cost: seconds at a rate, and the fee per job. */
  public record Cost(double seconds, BigDecimal perSecond, BigDecimal perJob, BigDecimal usd) {}

  /** The price of {@code seconds} of video made from {@code input}. */
  public Cost cost(JsonNode input, double seconds) {
    BigDecimal rate =
        rates.stream()
            .filter(r -> r.matches(input))
            .findFirst()
            .map(Rate::perSecond)
            .orElse(perSecond);
    BigDecimal usd =
        rate.multiply(BigDecimal.valueOf(seconds)).add(perJob).setScale(6, RoundingMode.HALF_UP);
    return new Cost(seconds, rate, perJob, usd.stripTrailingZeros());
  }

  /** What a job of {@code input} would cost: its asked-for seconds at its rate. */
  public Cost estimate(JsonNode input) {
    return cost(input, requestedSeconds(input));
  }

  /** The seconds an input asks for ({@code seconds_from}; 0 when it has no such number). */
  public double requestedSeconds(JsonNode input) {
    JsonNode value = input.get(secondsFrom);
    if (value == null) {
      return 0;
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    try {
      // A seed duration given as "5", or a provider's as "5s".
      return Double.parseDouble(value.asString().strip().replaceFirst("s$", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The definition's {@code pricing}, checked; empty when it has none (or {@code null}). */
  static Optional<ModelPricing> from(JsonNode pricing, String where) {
    if (pricing == null || pricing.isNull()) {
      return Optional.empty();
    }
    if (!(pricing instanceof ObjectNode object)) {
      throw new ModelDefinitionException(where + ": pricing must be an object");
    }
    List<Rate> rates = new ArrayList<>();
    JsonNode listed = object.path("rates");
    if (!listed.isMissingNode() && !listed.isArray()) {
      throw new ModelDefinitionException(where + ": pricing.rates must be an array");
    }
    for (int i = 0; i < listed.size(); i++) {
      JsonNode rate = listed.get(i);
      if (!(rate.get("when") instanceof ObjectNode when) || when.isEmpty()) {
        throw new ModelDefinitionException(
            where + ": pricing.rates[" + i + "].when must be an object of input fields and values");
      }
      Map<String, JsonNode> fields = new java.util.LinkedHashMap<>();
      for (Iterator<String> names = when.propertyNames().iterator(); names.hasNext(); ) {
        String name = names.next();
        fields.put(name, when.get(name));
      }
      rates.add(
          new Rate(fields, amount(rate, "per_second_usd", where + ": pricing.rates[" + i + "]")));
    }
    return Optional.of(
        new ModelPricing(
            object.has("per_second_usd")
                ? amount(object, "per_second_usd", where + ": pricing")
                : BigDecimal.ZERO,
            List.copyOf(rates),
            object.has("per_job_usd")
                ? amount(object, "per_job_usd", where + ": pricing")
                : BigDecimal.ZERO,
            object.path("seconds_from").asString("duration"),
            object.path("source").asString("")));
  }

  private static BigDecimal amount(JsonNode parent, String field, String where) {
    JsonNode value = parent.get(field);
    if (value == null || !value.isNumber() || value.decimalValue().signum() < 0) {
      throw new ModelDefinitionException(
          where + "." + field + " must be a number of US dollars, 0 or more");
    }
    return value.decimalValue();
  }
}
