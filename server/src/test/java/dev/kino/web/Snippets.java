package dev.kino.web;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a code snippet as a person who copied it would: curl and {@code kino run} in bash, Python
 * with httpx, JavaScript in Node, Java with Kino's client through the JDK's source launcher. Only
 * {@code KINO_API_KEY} (and for the Java client {@code KINO_URL}) come from the environment, as the
 * snippets say. {@code ./kino} is a stand-in for the launcher that runs the same {@code
 * dev.kino.Kino} from the test's class path (the launcher itself would build the jar first).
 */
final class Snippets {
  static final List<String> LANGUAGES = List.of("curl", "python", "javascript", "java", "kino");

  private static final String PYTHON = "/usr/bin/python3";

  record Ran(int exitCode, String output) {}

  private Snippets() {}

  /** Skips (and says what to install) when a language's tools are missing. */
  static void requireTools() throws Exception {
    assumeTrue(
        exec(List.of(PYTHON, "-c", "import httpx"), Path.of("."), Map.of()).exitCode() == 0,
        "Python's httpx is missing: install Debian's python3-httpx (.ci/run does)");
    assumeTrue(
        exec(List.of("node", "--version"), Path.of("."), Map.of()).exitCode() == 0,
        "Node is missing: install Debian's nodejs (.ci/run does)");
    assumeTrue(
        exec(List.of("curl", "--version"), Path.of("."), Map.of()).exitCode() == 0,
        "curl is missing: install Debian's curl");
  }

  static Ran run(String lang, String code, String base, String key) throws Exception {
    Path dir = Files.createTempDirectory("kino-snippet-" + lang + "-");
    Map<String, String> env = Map.of("KINO_API_KEY", key, "KINO_URL", base);
    String java = ProcessHandle.current().info().command().orElse("java");
    String classPath = System.getProperty("java.class.path");
    return switch (lang) {
      case "curl" -> exec(List.of("bash", "-c", code), dir, env);
      case "python" -> exec(List.of(PYTHON, write(dir, "snippet.py", code).toString()), dir, env);
      case "javascript" ->
          exec(List.of("node", write(dir, "snippet.mjs", code).toString()), dir, env);
      case "java" ->
          exec(
              List.of(
                  java,
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  classPath,
                  write(dir, "Generate.java", code).toString()),
              dir,
              env);
      case "kino" -> {
        Path launcher =
            write(
                dir,
                "kino",
                "#!/bin/sh\nexec '"
                    + java
                    + "' --enable-native-access=ALL-UNNAMED -cp '"
                    + classPath
                    + "' dev.kino.Kino \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        yield exec(List.of("bash", "-c", code), dir, env);
      }
      default -> throw new IllegalArgumentException(lang);
    };
  }

  private static Path write(Path dir, String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
  }

  private static Ran exec(List<String> command, Path dir, Map<String, String> env)
      throws Exception {
    Path output = Files.createTempFile("kino-snippet-", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().remove("KINO_ADMIN_KEY");
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Ran(127, e.getMessage());
    }
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return new Ran(124, "timed out:\n" + Files.readString(output));
    }
    return new Ran(process.exitValue(), Files.readString(output));
  }
}
