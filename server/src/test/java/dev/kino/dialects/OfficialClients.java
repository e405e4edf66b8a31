package dev.kino.dialects;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official npm clients (pinned in src/test/resources/clients/package.json and its lock file,
 * installed there by {@code npm ci}, which .ci/run does before the tests: the tests themselves
 * reach nothing beyond loopback) run by Node as an application would run them. Each script prints a
 * JSON line per step.
 */
final class OfficialClients {
  static final Path DIR = Path.of("src", "test", "resources", "clients");

  private OfficialClients() {}

  /** Skips, saying what to run, when Node or the installed clients are missing. */
  static void require(String packageDir) {
    boolean node;
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      node = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      node = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      node = false;
    }
    assumeTrue(node, "Node is missing: install Debian's nodejs and npm (.ci/run does)");
    assumeTrue(
        Files.isDirectory(DIR.resolve("node_modules").resolve(packageDir)),
        "the official clients are not installed: run npm ci in server/src/test/resources/clients"
            + " (.ci/run does)");
  }

  /** What a script printed: its steps by name, and everything for a failure's message. */
  record Run(int exitCode, Map<String, JsonNode> steps, String output) {
    JsonNode step(String name) {
      JsonNode step = steps.get(name);
      if (step == null) {
        throw new AssertionError("the client script never reached " + name + ":\n" + output);
      }
      return step;
    }
  }

  static Run run(String script, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    Path output = Files.createTempFile("kino-client-", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(DIR.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the client script did not finish:\n" + Files.readString(output));
    }
    String text = Files.readString(output);
    Map<String, JsonNode> steps = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("{")) {
        JsonNode step = JsonMapper.shared().readTree(line);
        steps.put(step.path("step").asString(), step);
      }
    }
    return new Run(process.exitValue(), steps, text);
  }
}
