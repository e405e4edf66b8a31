package dev.kino.cli.user;

import dev.kino.client.KinoClient;
import dev.kino.client.RequestPage;
import dev.kino.client.RequestResult;
import dev.kino.client.RequestState;
import dev.kino.client.RequestStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * {@code kino status|result|cancel ID} and {@code kino requests}: one request, or the list of them.
 */
public final class UserCommands {
  private UserCommands() {}

  @Command(
      name = "status",
      description =
          "Show a request's status: queue position, progress, timestamps, the engine's latest log lines.")
  public static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions options;

    @Parameters(paramLabel = "REQUEST_ID")
    String id;

    @Override
    public Integer call() {
      try (KinoClient client = options.client()) {
        Printing.status(spec.commandLine().getOut(), client.status(id), options.json);
        return ExitCodes.OK;
      }
    }
  }

  @Command(
      name = "result",
      description =
          "Show a request's result (output URLs or error); exit code by state (0 completed, 3 failed, 4 cancelled, 9 not finished).")
  public static final class Result implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions options;

    @Parameters(paramLabel = "REQUEST_ID")
    String id;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "FILE",
        description = "Save the video (or the first output) to FILE.")
    Path output;

    @Override
    public Integer call() {
      try (KinoClient client = options.client()) {
        RequestResult result = client.result(id);
        if (output != null && result.state() == RequestState.COMPLETED) {
          result.outputs().primary().ifPresent(url -> client.download(url, output));
        }
        Printing.result(spec.commandLine().getOut(), result, options.json);
        return switch (result.state()) {
          case COMPLETED -> ExitCodes.OK;
          case FAILED -> ExitCodes.FAILED;
          case CANCELLED -> ExitCodes.CANCELLED;
          default -> ExitCodes.NOT_FINISHED;
        };
      }
    }
  }

  @Command(
      name = "cancel",
      description = "Cancel a queued request (exit code 10 if it had already started or ended).")
  public static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions options;

    @Parameters(paramLabel = "REQUEST_ID")
    String id;

    @Override
    public Integer call() {
      try (KinoClient client = options.client()) {
        boolean cancelled = client.cancel(id);
        RequestStatus now = client.status(id);
        if (options.json) {
          var body = JsonMapper.shared().createObjectNode();
          body.put("request_id", id);
          body.put("status", now.state().wire());
          body.put("outcome", cancelled ? "cancelled" : "not_cancellable");
          Printing.json(spec.commandLine().getOut(), body);
        } else {
          spec.commandLine()
              .getOut()
              .println(
                  cancelled
                      ? id + "  cancelled"
                      : id + "  not cancellable: it is " + now.state().wire());
        }
        return cancelled ? ExitCodes.OK : ExitCodes.NOT_CANCELLABLE;
      }
    }
  }

  @Command(
      name = "usage",
      description =
          "What your jobs used: jobs, seconds of video, run time and cost, by model, key or day"
              + " (an admin key sees every key's).")
  public static final class Usage implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions options;

    @Option(
        names = "--from",
        paramLabel = "DATE",
        description = "From this day (2026-12-01) or time; default: the first of this month.")
    String from;

    @Option(
        names = "--to",
        paramLabel = "DATE",
        description = "Up to this day or time; default: now.")
    String to;

    @Option(
        names = "--group-by",
        defaultValue = "model",
        paramLabel = "model|key|day",
        description = "How to group (default ${DEFAULT-VALUE}).")
    String groupBy;

    @Option(names = "--key-id", paramLabel = "ID", description = "Admin keys: one key's usage.")
    String keyId;

    @Override
    public Integer call() {
      try (KinoClient client = options.client()) {
        JsonNode usage = client.usage(from, to, groupBy, keyId);
        if (options.json) {
          Printing.json(spec.commandLine().getOut(), usage);
          return ExitCodes.OK;
        }
        String group = usage.path("group_by").asString(groupBy);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode row : usage.path("usage")) {
          rows.add(
              List.of(
                  row.path(group).asString(""),
                  row.path("jobs").asString(""),
                  row.path("completed").asString(""),
                  row.path("video_seconds").asString(""),
                  row.path("run_seconds").asString(""),
                  row.path("cost_usd").asString("")));
        }
        rows.add(List.of("total", "", "", "", "", usage.path("total_cost_usd").asString("")));
        Printing.table(
            spec.commandLine().getOut(),
            List.of(
                group.toUpperCase(java.util.Locale.ROOT),
                "JOBS",
                "COMPLETED",
                "VIDEO_S",
                "RUN_S",
                "COST_USD"),
            rows);
        return ExitCodes.OK;
      }
    }
  }

  @Command(name = "requests", description = "List your requests, newest first.")
  public static final class Requests implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions options;

    @Option(
        names = "--status",
        paramLabel = "STATE",
        description =
            "Only requests in this state (in_queue, in_progress, completed, failed, cancelled).")
    String status;

    @Option(
        names = "--model",
        paramLabel = "MODEL_ID",
        description = "Only requests to this model.")
    String model;

    @Option(
        names = "--limit",
        defaultValue = "20",
        description = "How many (1..100; default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--cursor", description = "Continue from a previous page's next cursor.")
    String cursor;

    @Override
    public Integer call() {
      try (KinoClient client = options.client()) {
        RequestPage page = client.requests(status, model, limit, cursor);
        if (options.json) {
          var body = JsonMapper.shared().createObjectNode();
          ArrayNode items = body.putArray("requests");
          page.requests().forEach(r -> items.add(r.raw()));
          body.put("next_cursor", page.nextCursor().orElse(null));
          Printing.json(spec.commandLine().getOut(), body);
          return ExitCodes.OK;
        }
        List<List<String>> rows = new ArrayList<>();
        for (RequestStatus r : page.requests()) {
          rows.add(
              List.of(
                  r.requestId(),
                  r.state().wire(),
                  r.raw().path("created_at").asString(""),
                  r.raw().path("model_id").asString("")));
        }
        Printing.table(
            spec.commandLine().getOut(), List.of("REQUEST", "STATUS", "CREATED", "MODEL"), rows);
        page.nextCursor()
            .ifPresent(
                c -> spec.commandLine().getOut().println("more: kino requests --cursor " + c));
        return ExitCodes.OK;
      }
    }
  }
}
