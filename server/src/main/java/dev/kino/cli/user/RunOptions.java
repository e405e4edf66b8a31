package dev.kino.cli.user;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kino run}'s own options; the model's field flags are added to these at run time. */
final class RunOptions {
  @Mixin ClientOptions client;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "MODEL_ID",
      description =
          "The model to run, e.g. kling/kling-3.0/standard/text-to-video (see: kino models).")
  String modelId;

  @Option(
      names = {"-h", "--help"},
      description = "Show this help; with MODEL_ID, also the model's field flags.")
  boolean help;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description = "A JSON file with the request body (- for stdin); flags and --set go on top.")
  Path input;

  @Option(
      names = "--set",
      paramLabel = "FIELD=VALUE",
      description =
          "Set any field; VALUE is read as JSON when it is JSON (5, true, [..]), else as text. Repeatable.")
  List<String> set = new ArrayList<>();

  @Option(names = "--wait", description = "Wait for the request to end and print its result.")
  boolean wait;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Wait, then save the video (or the first output) to FILE.")
  Path output;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "Stop waiting after this long (the request carries on; exit code 8).")
  Long timeoutSeconds;

  @Option(
      names = "--progress",
      paramLabel = "auto|bar|lines|none",
      defaultValue = "auto",
      description =
          "How to show progress on stderr while waiting (auto: a bar on a terminal, lines otherwise).")
  String progress;
}
