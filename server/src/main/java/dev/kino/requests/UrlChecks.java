package dev.kino.requests;

import dev.kino.inputs.InputException;
import dev.kino.inputs.InputFiles;
import dev.kino.jobs.Callback;
import dev.kino.models.FieldProblem;
import dev.kino.models.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Refuses, at submit, URLs that could never be used: every {@code *_url} and {@code *_urls} field
 * of the input (wrong scheme, internal addresses including names that resolve inside, others'
 * uploads, bad inline data) and the webhook's target, so the client hears at once rather than from
 * a failed job. Fetching happens when the job runs, which checks everything again. These checks
 * resolve host names, so they come after everything that needs no network.
 */
final class UrlChecks {
  private final InputFiles inputs;

  UrlChecks(InputFiles inputs) {
    this.inputs = inputs;
  }

  void check(ObjectNode input, Optional<Callback> callback, String owner) {
    List<FieldProblem> problems = new ArrayList<>();
    callback.ifPresent(
        c ->
            add(
                problems,
                WebhookFields.WEBHOOK_URL,
                () -> inputs.checkCallTarget(WebhookFields.WEBHOOK_URL, c.url())));
    collect(input, "", owner, problems);
    if (!problems.isEmpty()) {
      throw new InvalidInputException(problems);
    }
  }

  private void collect(JsonNode node, String path, String owner, List<FieldProblem> problems) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String name = field.getKey();
        String childPath = path.isEmpty() ? name : path + "." + name;
        JsonNode value = field.getValue();
        if (value.isString() && name.endsWith("_url")) {
          input(problems, childPath, value.asString(), owner);
        } else if (value.isArray() && name.endsWith("_urls")) {
          for (int i = 0; i < value.size(); i++) {
            if (value.get(i).isString()) {
              input(problems, childPath + "[" + i + "]", value.get(i).asString(), owner);
            }
          }
        } else {
          collect(value, childPath, owner, problems);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), path + "[" + i + "]", owner, problems);
      }
    }
  }

  private void input(List<FieldProblem> problems, String path, String url, String owner) {
    add(problems, path, () -> inputs.checkAtSubmit(path, url, owner));
  }

  private static void add(List<FieldProblem> problems, String path, Check check) {
    try {
      check.run();
    } catch (InputException e) {
      problems.add(new FieldProblem(path, e.code(), e.getMessage() + " (" + e.url() + ")"));
    }
  }

  @FunctionalInterface
  private interface Check {
    void run() throws InputException;
  }
}
