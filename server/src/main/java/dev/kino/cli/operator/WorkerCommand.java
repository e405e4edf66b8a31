package dev.kino.cli.operator;

import dev.kino.config.ConfigException;
import dev.kino.config.Role;
import picocli.CommandLine.Command;

/**
 * {@code kino worker}: a node that only runs jobs, for a cluster on PostgreSQL. It takes serve's
 * options (the HTTP ones are unused) and opens no port; API nodes ({@code kino serve --no-workers})
 * take the requests.
 */
@Command(
    name = "worker",
    description = "Run jobs for a cluster (workers only, no HTTP API); needs --database.",
    mixinStandardHelpOptions = true)
public final class WorkerCommand extends ServeCommand {

  @Override
  Role role() {
    if (noWorkers) {
      throw new ConfigException(
          "kino worker --no-workers would run nothing: an API-only node is kino serve --no-workers");
    }
    return Role.WORKERS;
  }
}
