package dev.kino;

import dev.kino.cli.operator.KeysCommand;
import dev.kino.cli.operator.MigrateCommand;
import dev.kino.cli.operator.ServeCommand;
import dev.kino.cli.operator.WorkerCommand;
import dev.kino.cli.user.CompletionCommand;
import dev.kino.cli.user.ExitCodes;
import dev.kino.cli.user.ModelCommands;
import dev.kino.cli.user.RunCommand;
import dev.kino.cli.user.UserCommands;
import dev.kino.client.FieldError;
import dev.kino.client.KinoApiException;
import dev.kino.client.KinoConnectionException;
import dev.kino.client.KinoException;
import dev.kino.client.KinoTimeoutException;
import dev.kino.client.RequestCancelledException;
import dev.kino.client.RequestFailedException;
import dev.kino.config.ConfigException;
import dev.kino.database.DamagedDatabaseException;
import dev.kino.models.ModelDefinitionException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kino} command: one jar, several subcommands. Operators: serve, worker, keys, migrate.
 * Users (through the Java client, against any Kino): run, status, result, cancel, models, requests,
 * completion.
 */
@Command(
    name = "kino",
    description = "Kino: a self-hosted model API server for generative video.",
    mixinStandardHelpOptions = true,
    version = "Kino 0.1.0",
    subcommands = {
      ServeCommand.class,
      WorkerCommand.class,
      KeysCommand.class,
      MigrateCommand.class,
      RunCommand.class,
      UserCommands.Status.class,
      UserCommands.Result.class,
      UserCommands.Cancel.class,
      ModelCommands.class,
      UserCommands.Requests.class,
      UserCommands.Usage.class,
      CompletionCommand.class
    },
    footer = {
      "",
      "Exit codes of the user commands: 0 done, 2 invalid input, 3 failed, 4 cancelled, 5 not found, 6 bad key,",
      "7 server unreachable, 8 timed out waiting, 9 not finished yet, 10 not cancellable, 1 anything else."
    })
public final class Kino {

  public static void main(String[] args) {
    CommandLine cli = commandLine();
    System.exit(cli.execute(args));
  }

  /** The whole command line, with errors mapped to one clear line and an exit code. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Kino());
    // kino run MODEL_ID --prompt ...: the field flags are only known once the model's schema is
    // fetched.
    cli.getSubcommands().get("run").setStopAtUnmatched(true);
    // A bad flag: the reason and where to look, not the whole usage text.
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine command = e.getCommandLine();
          PrintWriter err = command.getErr();
          err.println("kino: " + e.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
          if (!e.getMessage().contains("--help")) {
            err.println("Try: " + command.getCommandSpec().qualifiedName() + " --help");
          }
          err.flush();
          return ExitCodes.INVALID_INPUT;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          // Start-up refusals are the operator's to fix: one clear line, no stack trace.
          if (e instanceof ConfigException
              || e instanceof ModelDefinitionException
              || e instanceof DamagedDatabaseException) {
            err.println("kino: " + e.getMessage());
            return 2;
          }
          if (e instanceof UncheckedIOException io && isOperatorCommand(commandLine)) {
            // A data directory that cannot be written (read-only, full, not ours) at start-up.
            err.println("kino: " + io.getMessage() + ": " + io.getCause().getMessage());
            return 2;
          }
          if (e instanceof KinoException k) {
            err.println("kino: " + k.getMessage());
            if (k instanceof KinoApiException api) {
              for (FieldError field : api.fieldErrors()) {
                err.println("  " + field.path() + ": " + field.message());
              }
            }
            err.flush();
            return exitCode(k);
          }
          throw e;
        });
    return cli;
  }

  private static int exitCode(KinoException e) {
    return switch (e) {
      case KinoApiException api when api.isUnauthorized() -> ExitCodes.UNAUTHORIZED;
      case KinoApiException api when api.isNotFound() -> ExitCodes.NOT_FOUND;
      case KinoApiException api when api.isInvalidInput() -> ExitCodes.INVALID_INPUT;
      case KinoConnectionException c -> ExitCodes.UNREACHABLE;
      case RequestFailedException f -> ExitCodes.FAILED;
      case RequestCancelledException c -> ExitCodes.CANCELLED;
      case KinoTimeoutException t -> ExitCodes.TIMEOUT;
      default -> ExitCodes.ERROR;
    };
  }

  private static boolean isOperatorCommand(CommandLine command) {
    for (CommandLine c = command; c != null; c = c.getParent()) {
      if (Set.of("serve", "worker", "keys", "migrate").contains(c.getCommandName())) {
        return true;
      }
    }
    return false;
  }
}
