package dev.kino.keys;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * At most {@code usd} spent per {@code period}: ever ({@code total}) or per calendar month (UTC).
 */
public record Budget(BigDecimal usd, Period period) {

  public enum Period {
    TOTAL,
    MONTH;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** {@code total} or {@code month}; else IllegalArgumentException. */
    public static Period parse(String value) {
      return valueOf(value.toUpperCase(Locale.ROOT));
    }
  }

  /** Where the period that holds {@code now} began: the first of its month, or the epoch. */
  public Instant periodStart(Instant now) {
    return switch (period) {
      case TOTAL -> Instant.EPOCH;
      case MONTH -> monthStart(now);
    };
  }

  /** Midnight UTC on the first of the month that holds {@code now}. */
  public static Instant monthStart(Instant now) {
    return LocalDate.ofInstant(now, ZoneOffset.UTC)
        .withDayOfMonth(1)
        .atStartOfDay(ZoneOffset.UTC)
        .toInstant();
  }
}
