package dev.kino.cli.operator;

import dev.kino.config.ConfigException;
import dev.kino.config.Credentials;
import dev.kino.migration.Migration;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kino migrate}: an embedded install into a cluster's PostgreSQL (and bucket). */
@Command(
    name = "migrate",
    description = {
      "Move an embedded install (SQLite and its files) into a cluster's PostgreSQL and S3 bucket.",
      "Stop Kino on the data directory first. The target must be empty; an interrupted move is"
          + " resumed by running the same command again. Ends by checking every row and file."
    },
    mixinStandardHelpOptions = true)
public final class MigrateCommand implements Callable<Integer> {

  @Option(
      names = "--from",
      defaultValue = "${env:KINO_DATA_DIR:-./kino-data}",
      paramLabel = "DIR",
      description =
          "The embedded install's data directory (env KINO_DATA_DIR; default ${DEFAULT-VALUE}).")
  Path from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "URL",
      description =
          "The cluster's PostgreSQL database, new and empty (postgresql://user:password@host:5432/kino).")
  String to;

  @Option(
      names = "--storage",
      paramLabel = "s3://BUCKET/PREFIX",
      description =
          "Move the stored files into this S3-compatible bucket too (endpoint, region and keys from AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). Without it the files stay in the data directory.")
  URI storage;

  @Override
  public Integer call() {
    if (!to.startsWith("postgresql://") && !to.startsWith("postgres://")) {
      throw new ConfigException("--to: a PostgreSQL URL (postgresql://...), not " + to);
    }
    System.err.println(
        "Moving "
            + from.toAbsolutePath().normalize()
            + " (Kino must stay stopped on it meanwhile)");
    Migration.Outcome outcome =
        new Migration(System.err, Clock.systemUTC())
            .run(
                new Migration.Plan(
                    from, to, Optional.ofNullable(storage), Credentials.fromEnvironment()));
    StringBuilder rows = new StringBuilder();
    for (Map.Entry<String, Long> table : outcome.rows().entrySet()) {
      rows.append(rows.isEmpty() ? "" : ", ")
          .append(table.getValue())
          .append(' ')
          .append(table.getKey());
    }
    System.out.println(
        (outcome.alreadyDone() ? "Already moved, and checked again: " : "Moved and checked: ")
            + rows
            + (storage == null
                ? "; files left in the data directory"
                : "; " + outcome.files() + " file(s), " + outcome.bytes() + " bytes, in " + storage)
            + ".");
    System.out.println(
        "Next: start Kino with --database "
            + Migration.redacted(to)
            + (storage == null ? " --data-dir " + from : " --storage " + storage)
            + ". Keep "
            + from
            + " as a backup until the cluster serves what you expect.");
    return 0;
  }
}
