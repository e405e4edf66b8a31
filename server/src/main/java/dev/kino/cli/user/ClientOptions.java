package dev.kino.cli.user;

import dev.kino.client.KinoClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the user commands connect, with which key, and whether they print JSON. */
final class ClientOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--url",
      defaultValue = "${env:KINO_URL:-" + KinoClient.DEFAULT_URL + "}",
      description = "Kino's base URL (env KINO_URL; default ${DEFAULT-VALUE}).")
  String url;

  @Option(
      names = "--key",
      defaultValue = "${env:KINO_API_KEY}",
      description = "API key (env KINO_API_KEY).")
  String key;

  @Option(names = "--json", description = "Print JSON documents (for scripts) instead of text.")
  boolean json;

  KinoClient client() {
    if (key == null || key.isBlank()) {
      throw new ParameterException(
          spec.commandLine(), "no API key: pass --key or set KINO_API_KEY");
    }
    return KinoClient.builder().baseUrl(url).apiKey(key).build();
  }
}
