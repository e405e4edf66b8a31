package dev.kino;

import dev.kino.cli.KeysCommand;
import dev.kino.cli.ServeCommand;
import dev.kino.config.ConfigException;
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
          if (e instanceof ConfigException) {
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
