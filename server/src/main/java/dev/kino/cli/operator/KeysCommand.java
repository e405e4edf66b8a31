package dev.kino.cli.operator;

import dev.kino.database.Database;
import dev.kino.database.PostgresDatabase;
import dev.kino.database.SqliteDatabase;
import dev.kino.keys.ApiKey;
import dev.kino.keys.CreatedKey;
import dev.kino.keys.KeyStore;
import dev.kino.migration.MovedMarker;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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

    @Override
    public Integer call() {
      try (Database db = dataDir.open()) {
        CreatedKey created = new KeyStore(db).create(name, admin, Instant.now());
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
        System.out.printf(
            "%-18s %-20s %-11s %-6s %-25s %s%n",
            "ID", "NAME", "PREFIX", "ADMIN", "CREATED", "REVOKED");
        for (ApiKey k : keys) {
          System.out.printf(
              "%-18s %-20s %-11s %-6s %-25s %s%n",
              k.id(),
              k.name(),
              k.prefix() + "…",
              k.admin() ? "yes" : "no",
              k.createdAt(),
              k.revokedAt().map(Instant::toString).orElse("-"));
        }
        return 0;
      }
    }
  }

  @Command(
      name = "revoke",
      description = "Revoke a key by id; it stops working at once.",
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
