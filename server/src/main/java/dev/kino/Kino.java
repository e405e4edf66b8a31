package dev.kino;

import dev.kino.cli.KeysCommand;
import dev.kino.cli.ServeCommand;
import dev.kino.config.ConfigException;
import dev.kino.models.ModelDefinitionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kino} command: one jar, several subcommands. */
@Command(
    name = "kino",
    description = "Kino: a self-hosted model API server for generative video.",
    mixinStandardHelpOptions = true,
    version = "Kino 0.1.0",
    subcommands = {ServeCommand.class, KeysCommand.class})
public final class Kino {

  public static void main(String[] args) {
    CommandLine cli = new CommandLine(new Kino());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          // Start-up refusals are the operator's to fix: one clear line, no stack trace.
          if (e instanceof ConfigException || e instanceof ModelDefinitionException) {
            commandLine.getErr().println("kino: " + e.getMessage());
            return 2;
          }
          throw e;
        });
    int code = cli.execute(args);
    if (code != 0 || !isServe(args)) {
      System.exit(code);
    }
  }

  private static boolean isServe(String[] args) {
    return args.length > 0 && args[0].equals("serve");
  }
}
