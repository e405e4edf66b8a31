package dev.kino.keys;

import dev.kino.database.Columns;
import dev.kino.database.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.statement.StatementContext;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** API keys in the database. Only hashes are stored; see {@link KeySecrets}. */
public final class KeyStore {
  private static final String COLUMNS =
      "id, name, prefix, admin, created_at, revoked_at, max_running, max_queued,"
          + " submits_per_minute, models, expires_at, budget_usd, budget_period";
  private static final JsonMapper JSON = JsonMapper.shared();
  private final Database db;

  public KeyStore(Database db) {
    this.db = db;
  }

  public CreatedKey create(String name, boolean admin, Instant now) {
    return create(KeySpec.named(name, admin), now);
  }

  /** A new key made to {@code spec} (its name required; the rest as given, else unset). */
  public CreatedKey create(KeySpec spec, Instant now) {
    String secret = KeySecrets.newSecret();
    String id = KeySecrets.newId();
    db.writes()
        .useHandle(
            h ->
                h.createUpdate(
                        "INSERT INTO api_keys (id, name, secret_hash, prefix, admin, created_at)"
                            + " VALUES (:id, :name, :hash, :prefix, :admin, :now)")
                    .bind("id", id)
                    .bind("name", spec.name().orElseThrow())
                    .bind("hash", KeySecrets.hash(secret))
                    .bind("prefix", secret.substring(0, KeySecrets.PREFIX.length() + 4))
                    .bind("admin", spec.admin().orElse(false) ? 1 : 0)
                    .bind("now", now.toEpochMilli())
                    .execute());
    return new CreatedKey(update(id, spec).orElseThrow(), secret);
  }

  /**
   * Changes what {@code spec} gives of the key's name, admin flag, limits, models and expiry; empty
   * when no key has this id.
   */
  public Optional<ApiKey> update(String id, KeySpec spec) {
    Map<String, Object> set = new HashMap<>();
    spec.name().ifPresent(n -> set.put("name", n));
    spec.admin().ifPresent(a -> set.put("admin", a ? 1 : 0));
    spec.limits()
        .ifPresent(
            l -> {
              set.put("max_running", KeyLimits.column(l.maxRunning()));
              set.put("max_queued", KeyLimits.column(l.maxQueued()));
              set.put("submits_per_minute", KeyLimits.column(l.submitsPerMinute()));
              set.put("budget_usd", l.budget().map(b -> b.usd().doubleValue()).orElse(null));
              set.put("budget_period", l.budget().map(b -> b.period().wire()).orElse(null));
            });
    spec.models()
        .ifPresent(m -> set.put("models", m.patterns().map(JSON::writeValueAsString).orElse(null)));
    spec.expiresAt()
        .ifPresent(e -> set.put("expires_at", e.map(Instant::toEpochMilli).orElse(null)));
    if (!set.isEmpty()) {
      String assignments =
          String.join(", ", set.keySet().stream().sorted().map(c -> c + " = :" + c).toList());
      db.writes()
          .useHandle(
              h ->
                  h.createUpdate("UPDATE api_keys SET " + assignments + " WHERE id = :id")
                      .bindMap(set)
                      .bind("id", id)
                      .execute());
    }
    return find(id);
  }

  /** The key with this id, revoked or not. */
  public Optional<ApiKey> find(String id) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE id = :id")
                    .bind("id", id)
                    .map(KeyStore::toKey)
                    .findOne());
  }

  /**
   * The key whose secret has this {@link KeySecrets#hash}, if any, revoked or expired or not: see
   * {@link ApiKey#activeAt}.
   */
  public Optional<ApiKey> byHash(String hash) {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT " + COLUMNS + " FROM api_keys WHERE secret_hash = :hash")
                    .bind("hash", hash)
                    .map(KeyStore::toKey)
                    .findOne());
  }

  public List<ApiKey> list() {
    return db.reads()
        .withHandle(
            h ->
                h.createQuery("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_at, id")
                    .map(KeyStore::toKey)
                    .list());
  }

  /** Revokes the key; false when no active key has this id. */
  public boolean revoke(String id, Instant now) {
    return db.writes()
            .withHandle(
                h ->
                    h.createUpdate(
                            "UPDATE api_keys SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                        .bind("now", now.toEpochMilli())
                        .bind("id", id)
                        .execute())
        == 1;
  }

  public boolean isEmpty() {
    return db.reads()
            .withHandle(h -> h.createQuery("SELECT count(*) FROM api_keys").mapTo(Long.class).one())
        == 0;
  }

  private static ApiKey toKey(ResultSet rs, StatementContext ctx) throws SQLException {
    String models = rs.getString("models");
    return new ApiKey(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("prefix"),
        rs.getInt("admin") == 1,
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Columns.optionalInstant(rs, "revoked_at"),
        new KeyLimits(
            optionalInt(rs, "max_running"),
            optionalInt(rs, "max_queued"),
            optionalInt(rs, "submits_per_minute"),
            budget(rs)),
        models == null
            ? ModelPatterns.ALL
            : ModelPatterns.of(JSON.readValue(models, new TypeReference<List<String>>() {})),
        Columns.optionalInstant(rs, "expires_at"));
  }

  private static Optional<Budget> budget(ResultSet rs) throws SQLException {
    double usd = rs.getDouble("budget_usd");
    if (rs.wasNull()) {
      return Optional.empty();
    }
    String period = rs.getString("budget_period");
    java.math.BigDecimal amount = java.math.BigDecimal.valueOf(usd).stripTrailingZeros();
    return Optional.of(
        new Budget(
            amount.scale() < 0 ? amount.setScale(0) : amount, // 20, not 20.0 or 2E+1
            period == null ? Budget.Period.TOTAL : Budget.Period.parse(period)));
  }

  private static OptionalInt optionalInt(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(value);
  }
}
