package dev.kino.cli.operator;

import dev.kino.database.Database;
import dev.kino.database.PostgresDatabase;
import dev.kino.database.SqliteDatabase;
import dev.kino.keys.ApiKey;
import dev.kino.keys.Budget;
import dev.kino.keys.CreatedKey;
import dev.kino.keys.KeyLimits;
import dev.kino.keys.KeySpec;
import dev.kino.keys.KeyStore;
import dev.kino.keys.ModelPatterns;
import dev.kino.migration.MovedMarker;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kino keys}: API keys in a data directory, whether or not a server is running on it. */
@Command(
    name = "keys",
    description = "Create, list and revoke API keys.",
    mixinStandardHelpOptions = true,
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand {

  /** Where the keys are: the data directory's SQLite, or the cluster's PostgreSQL. */
  static final class DataDir {
    @Option(
        names = "--data-dir",
        defaultValue = "${env:KINO_DATA_DIR:-./kino-data}",
        description = "Data directory (env KINO_DATA_DIR; default ${DEFAULT-VALUE}).")
    Path path;

    @Option(
        names = "--database",
        defaultValue = "${env:KINO_DATABASE_URL}",
        paramLabel = "URL",
        description =
            "The cluster's PostgreSQL database, as given to serve (env KINO_DATABASE_URL).")
    String database;

    Database open() {
      if (database != null && !database.isBlank()) {
        return PostgresDatabase.open(database, 2);
      }
      Path dir = path.toAbsolutePath().normalize();
      MovedMarker.refuseEmbeddedStart(dir); // keys made here would not reach the cluster
      return SqliteDatabase.open(dir);
    }
  }

  @Command(
      name = "create",
      description = "Create a key and print it once.",
      mixinStandardHelpOptions = true)
  static final class Create implements Callable<Integer> {
    @picocli.CommandLine.Mixin DataDir dataDir;

    @Option(names = "--name", required = true, description = "A name to recognise the key by.")
    String name;

    @Option(names = "--admin", description = "Make an admin key.")
    boolean admin;

    @Option(
        names = "--max-running",
        paramLabel = "N",
        description = "Jobs of this key in progress at once; more wait in the queue.")
    Integer maxRunning;

    @Option(
        names = "--max-queued",
        paramLabel = "N",
        description = "Jobs of this key waiting in the queue; a submit beyond is refused (429).")
    Integer maxQueued;

    @Option(
        names = "--submits-per-minute",
        paramLabel = "N",
        description = "Submits per minute (a bucket of N, refilled evenly); beyond it 429.")
    Integer submitsPerMinute;

    @Option(
        names = "--budget-usd",
        paramLabel = "USD",
        description = "What this key's jobs may cost per --budget-period; beyond it 402.")
    java.math.BigDecimal budgetUsd;

    @Option(
        names = "--budget-period",
        defaultValue = "total",
        paramLabel = "total|month",
        description = "The period of --budget-usd (default ${DEFAULT-VALUE}).")
    String budgetPeriod;

    @Option(
        names = "--model",
        paramLabel = "PATTERN",
        description =
            "A model id this key may use, * for any characters (e.g. 'kling/*'); repeatable."
                + " Without it, every model.")
    List<String> models;

    @Option(
        names = "--expires-at",
        paramLabel = "TIME",
        description = "When the key stops working, ISO-8601 (e.g. 2027-01-31T00:00:00Z).")
    Instant expiresAt;

    @Override
    public Integer call() {
      Instant now = Instant.now();
      if (expiresAt != null && !expiresAt.isAfter(now)) {
        System.err.println("--expires-at must be in the future, got " + expiresAt);
        return 2;
      }
      if ((budgetUsd != null && budgetUsd.signum() < 0)
          || !List.of("total", "month").contains(budgetPeriod)) {
        System.err.println("--budget-usd must be 0 or more and --budget-period total or month");
        return 2;
      }
      for (Integer limit : java.util.Arrays.asList(maxRunning, maxQueued, submitsPerMinute)) {
        if (limit != null && limit < 0) {
          System.err.println("a limit must not be negative, got " + limit);
          return 2;
        }
      }
      KeySpec spec =
          new KeySpec(
              Optional.of(name),
              Optional.of(admin),
              Optional.of(
                  new KeyLimits(
                      limit(maxRunning),
                      limit(maxQueued),
                      limit(submitsPerMinute),
                      Optional.ofNullable(budgetUsd)
                          .map(usd -> new Budget(usd, Budget.Period.parse(budgetPeriod))))),
              Optional.ofNullable(models).map(ModelPatterns::of),
              Optional.of(Optional.ofNullable(expiresAt)));
      try (Database db = dataDir.open()) {
        CreatedKey created = new KeyStore(db).create(spec, now);
        System.out.println(created.plaintext());
        System.err.println(
            "Created "
                + created.key().id()
                + " (\""
                + name
                + "\"). The key above is shown this once; store it now.");
        return 0;
      }
    }
  }

  @Command(
      name = "list",
      description = "List keys (never their secrets).",
      mixinStandardHelpOptions = true)
  static final class ListKeys implements Callable<Integer> {
    @picocli.CommandLine.Mixin DataDir dataDir;

    @Override
    public Integer call() {
      try (Database db = dataDir.open()) {
        List<ApiKey> keys = new KeyStore(db).list();
        Instant now = Instant.now();
        String row = "%-18s %-20s %-11s %-6s %-8s %-20s %-20s %-25s %s%n";
        System.out.printf(
            row, "ID", "NAME", "PREFIX", "ADMIN", "STATE", "LIMITS", "MODELS", "CREATED", "ENDS");
        for (ApiKey k : keys) {
          System.out.printf(
              row,
              k.id(),
              k.name(),
              k.prefix() + "…",
              k.admin() ? "yes" : "no",
              k.revokedAt().isPresent() ? "revoked" : k.activeAt(now) ? "active" : "expired",
              limits(k.limits()),
              k.models().patterns().map(p -> String.join(",", p)).orElse("*"),
              k.createdAt(),
              k.revokedAt().or(k::expiresAt).map(Instant::toString).orElse("-"));
        }
        return 0;
      }
    }
  }

  private static OptionalInt limit(Integer value) {
    return value == null ? OptionalInt.empty() : OptionalInt.of(value);
  }

  /** E.g. {@code running 2, queued 50}, or {@code -} for none. */
  private static String limits(KeyLimits limits) {
    List<String> parts = new java.util.ArrayList<>();
    limits.maxRunning().ifPresent(n -> parts.add("running " + n));
    limits.maxQueued().ifPresent(n -> parts.add("queued " + n));
    limits.submitsPerMinute().ifPresent(n -> parts.add(n + "/min"));
    limits
        .budget()
        .ifPresent(b -> parts.add("$" + b.usd().toPlainString() + "/" + b.period().wire()));
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }

  @Command(
      name = "revoke",
      description = "Revoke a key by id; it stops working within a second on every node.",
      mixinStandardHelpOptions = true)
  static final class Revoke implements Callable<Integer> {
    @picocli.CommandLine.Mixin DataDir dataDir;

    @Parameters(paramLabel = "ID", description = "The key's id, as `keys list` shows it.")
    String id;

    @Override
    public Integer call() {
      try (Database db = dataDir.open()) {
        if (new KeyStore(db).revoke(id, Instant.now())) {
          System.out.println("Revoked " + id + ".");
          return 0;
        }
        System.err.println("No active key with id " + id + " (see ./kino keys list).");
        return 1;
      }
    }
  }
}
