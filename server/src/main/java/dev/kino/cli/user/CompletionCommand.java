package dev.kino.cli.user;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kino completion}: a bash/zsh completion script for every command and fixed option. A
 * model's field flags depend on the server, so they are not in it ({@code kino run MODEL_ID --help}
 * lists them).
 */
@Command(
    name = "completion",
    description = "Print a bash/zsh completion script: source <(./kino completion)")
public final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(AutoComplete.bash("kino", spec.root().commandLine()));
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
