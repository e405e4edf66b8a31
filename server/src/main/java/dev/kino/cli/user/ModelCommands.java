package dev.kino.cli.user;

import dev.kino.client.KinoClient;
import dev.kino.client.ModelInfo;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code kino models} (the catalogue) and {@code kino models show ID} (one model's fields as a
 * table).
 */
@Command(
    name = "models",
    description = "List the server's models.",
    subcommands = ModelCommands.Show.class)
public final class ModelCommands implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClientOptions options;

  @Override
  public Integer call() {
    try (KinoClient client = options.client()) {
      List<ModelInfo> models = client.models();
      if (options.json) {
        ArrayNode items = JsonMapper.shared().createArrayNode();
        models.forEach(
            m ->
                items
                    .addObject()
                    .put("id", m.id())
                    .put("title", m.title())
                    .put("kind", m.kind())
                    .put("engine", m.engine()));
        Printing.json(spec.commandLine().getOut(), items);
        return ExitCodes.OK;
      }
      List<List<String>> rows = new ArrayList<>();
      models.forEach(m -> rows.add(List.of(m.id(), m.kind(), m.engine(), m.title())));
      Printing.table(
          spec.commandLine().getOut(), List.of("MODEL", "KIND", "ENGINE", "TITLE"), rows);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      description = "Show one model and its input fields: type, default, allowed values, limits.")
  public static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions options;

    @Parameters(paramLabel = "MODEL_ID")
    String id;

    @Override
    public Integer call() {
      try (KinoClient client = options.client()) {
        ModelInfo model = client.model(id);
        PrintWriter out = spec.commandLine().getOut();
        if (options.json) {
          Printing.json(out, JsonMapper.shared().valueToTree(model));
          return ExitCodes.OK;
        }
        out.println(model.id() + "  (" + model.kind() + ", engine " + model.engine() + ")");
        out.println(model.title());
        if (!model.description().isBlank()) {
          out.println(model.description());
        }
        out.println();
        Printing.table(
            out,
            List.of("FLAG", "TYPE", "REQUIRED", "DEFAULT", "ALLOWED", "DESCRIPTION"),
            fieldRows(model.inputSchema()));
        out.println();
        out.println(
            "Run it: kino run "
                + model.id()
                + " --prompt \"...\" --wait   (kino run "
                + model.id()
                + " --help for every flag)");
        return ExitCodes.OK;
      }
    }

    private static List<List<String>> fieldRows(JsonNode schema) {
      List<String> required = new ArrayList<>();
      schema.path("required").forEach(r -> required.add(r.asString()));
      List<List<String>> rows = new ArrayList<>();
      for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
        JsonNode f = p.getValue();
        rows.add(
            List.of(
                "--" + p.getKey().replace('_', '-'),
                type(f),
                required.contains(p.getKey()) ? "yes" : "",
                f.has("default")
                    ? shorten(
                        f.get("default").isString()
                            ? f.get("default").asString()
                            : f.get("default").toString(),
                        24)
                    : "",
                allowed(f),
                shorten(f.path("description").asString(""), 80)));
      }
      return rows;
    }

    private static String type(JsonNode f) {
      String type = f.path("type").asString("any");
      if (type.equals("array")) {
        return "list of " + f.path("items").path("type").asString("any");
      }
      return type;
    }

    private static String allowed(JsonNode f) {
      if (f.has("enum")) {
        List<String> values = new ArrayList<>();
        f.path("enum").forEach(v -> values.add(v.asString()));
        return String.join(" | ", values);
      }
      List<String> limits = new ArrayList<>();
      for (String[] k :
          new String[][] {
            {"minimum", ">= "},
            {"maximum", "<= "},
            {"minLength", "length >= "},
            {"maxLength", "length <= "},
            {"maxItems", "items <= "}
          }) {
        if (f.has(k[0])) {
          limits.add(k[1] + f.get(k[0]).asString());
        }
      }
      return String.join(", ", limits);
    }

    private static String shorten(String text, int max) {
      String line = text.replaceAll("\\s+", " ").strip();
      return line.length() > max ? line.substring(0, max - 3) + "..." : line;
    }
  }
}
