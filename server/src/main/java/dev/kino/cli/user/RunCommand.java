package dev.kino.cli.user;

import dev.kino.client.FieldError;
import dev.kino.client.KinoApiException;
import dev.kino.client.KinoClient;
import dev.kino.client.KinoTimeoutException;
import dev.kino.client.ModelInfo;
import dev.kino.client.RequestCancelledException;
import dev.kino.client.RequestFailedException;
import dev.kino.client.RequestResult;
import dev.kino.client.Submission;
import dev.kino.client.SubmitOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code kino run MODEL_ID [field flags] [--wait] [-o FILE]}. Parsing happens twice: first far
 * enough to know the model and the server, then, with the model's schema fetched, again with a flag
 * for every field.
 */
@Command(
    name = "run",
    description =
        "Run a model: submit a request with the model's fields as flags; with --wait or -o, follow it to the end.",
    footer = {"", "Field flags come from the model's schema: kino run MODEL_ID --help lists them."})
public final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RunOptions first;

  /** Everything from the first field flag on: read in the second pass. */
  @Unmatched List<String> rest = new ArrayList<>();

  @Override
  public Integer call() {
    if (first.modelId == null) {
      if (first.help || rest.isEmpty()) {
        spec.commandLine().usage(spec.commandLine().getOut());
        return first.help ? ExitCodes.OK : ExitCodes.INVALID_INPUT;
      }
      throw new ParameterException(
          spec.commandLine(), "MODEL_ID comes first: kino run MODEL_ID --prompt \"...\"");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (KinoClient client = first.client.client()) {
      ModelInfo model = client.model(first.modelId);
      RunOptions options = new RunOptions();
      CommandSpec full = CommandSpec.forAnnotatedObject(options).name("kino run " + model.id());
      full.usageMessage()
          .description(
              model.title() + (model.description().isBlank() ? "" : ": " + model.description()));
      FieldFlags flags = new FieldFlags(model.inputSchema(), full);
      CommandLine line = new CommandLine(full);
      line.setOut(out);
      line.setErr(spec.commandLine().getErr());
      ParseResult parsed;
      try {
        parsed = line.parseArgs(runArgs().toArray(String[]::new));
      } catch (ParameterException e) {
        throw new ParameterException(
            spec.commandLine(),
            e.getMessage() + " (kino run " + model.id() + " --help lists the flags)");
      }
      if (options.help) {
        line.usage(out);
        return ExitCodes.OK;
      }
      ObjectNode input = body(options, parsed, flags);
      Submission submission;
      try {
        submission = client.submit(model.id(), input, SubmitOptions.none());
      } catch (KinoApiException e) {
        if (e.isInvalidInput()) {
          reportInvalid(e, flags);
          return ExitCodes.INVALID_INPUT;
        }
        throw e;
      }
      if (!options.wait && options.output == null) {
        out.println(
            options.client.json
                ? JsonMapper.shared().writeValueAsString(submissionJson(submission))
                : submission.requestId());
        return ExitCodes.OK;
      }
      return await(client, submission, options, out);
    }
  }

  private int await(KinoClient client, Submission submission, RunOptions options, PrintWriter out) {
    ProgressDisplay display = ProgressDisplay.choose(options.progress, System.err);
    if (!options.client.json) {
      System.err.println("request " + submission.requestId());
    }
    Optional<Duration> timeout =
        Optional.ofNullable(options.timeoutSeconds).map(Duration::ofSeconds);
    RequestResult result;
    try {
      result = client.await(submission.requestId(), display::show, timeout);
    } catch (RequestFailedException e) {
      display.finish();
      Printing.result(out, e.result(), options.client.json);
      return ExitCodes.FAILED;
    } catch (RequestCancelledException e) {
      display.finish();
      Printing.result(out, client.result(submission.requestId()), options.client.json);
      return ExitCodes.CANCELLED;
    } catch (KinoTimeoutException e) {
      display.finish();
      spec.commandLine().getErr().println("kino: " + e.getMessage());
      return ExitCodes.TIMEOUT;
    }
    display.finish();
    if (options.output != null) {
      String url =
          result
              .outputs()
              .primary()
              .orElseThrow(
                  () ->
                      new dev.kino.client.KinoException(
                          "request " + result.requestId() + " completed without an output file"));
      Path saved = client.download(url, options.output);
      if (!options.client.json) {
        System.err.println("saved " + saved);
      }
    }
    Printing.result(out, result, options.client.json);
    return ExitCodes.OK;
  }

  /** The arguments after {@code run}, as typed, for the second pass. */
  private List<String> runArgs() {
    List<String> all = spec.root().commandLine().getParseResult().originalArgs();
    int at = all.indexOf(spec.name());
    return all.subList(at + 1, all.size());
  }

  /** --input, then --set, then the field flags, each on top of the one before. */
  private ObjectNode body(RunOptions options, ParseResult parsed, FieldFlags flags) {
    ObjectNode input = JsonMapper.shared().createObjectNode();
    if (options.input != null) {
      input = readInputFile(options.input);
    }
    for (String assignment : options.set) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(
            spec.commandLine(), "--set takes FIELD=VALUE, got \"" + assignment + "\"");
      }
      input.set(assignment.substring(0, eq), jsonOrText(assignment.substring(eq + 1)));
    }
    flags.apply(parsed, input);
    return input;
  }

  private ObjectNode readInputFile(Path file) {
    try {
      String text =
          file.toString().equals("-")
              ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              : Files.readString(file);
      JsonNode node = JsonMapper.shared().readTree(text);
      if (!node.isObject()) {
        throw new ParameterException(
            spec.commandLine(), "--input " + file + " must hold a JSON object");
      }
      return (ObjectNode) node;
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(), "--input " + file + ": cannot read it (" + e.getMessage() + ")");
    } catch (JacksonException e) {
      throw new ParameterException(
          spec.commandLine(), "--input " + file + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static JsonNode jsonOrText(String value) {
    try {
      return JsonMapper.shared().readTree(value);
    } catch (JacksonException notJson) {
      return JsonMapper.shared().getNodeFactory().stringNode(value);
    }
  }

  /** The server's verdict on each field, pointed at the flag that set it. */
  private void reportInvalid(KinoApiException e, FieldFlags flags) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("kino: " + e.getMessage());
    for (FieldError field : e.fieldErrors()) {
      err.println(
          "  " + flags.flagFor(field.path()) + ": " + field.message() + " (" + field.code() + ")");
    }
    err.flush();
  }

  private static ObjectNode submissionJson(Submission s) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("request_id", s.requestId());
    body.put("status_url", s.statusUrl());
    body.put("result_url", s.resultUrl());
    body.put("cancel_url", s.cancelUrl());
    s.eventsUrl().ifPresent(url -> body.put("events_url", url));
    return body;
  }
}
