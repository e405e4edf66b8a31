package dev.kino.engines.comfyui;

import dev.kino.engines.Engine;
import dev.kino.engines.EngineException;
import dev.kino.engines.EngineResult;
import dev.kino.engines.EngineTask;
import dev.kino.engines.OutputFile;
import dev.kino.engines.Reporter;
import dev.kino.engines.Slots;
import dev.kino.inputs.ImageFormat;
import dev.kino.inputs.ImageInputs;
import dev.kino.inputs.InputException;
import dev.kino.inputs.InputFiles;
import dev.kino.inputs.LocalInput;
import dev.kino.media.FileType;
import dev.kino.models.ModelDefinition;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs models on the operator's ComfyUI servers. For each job: upload its images, fill the
 * workflow, record the server and a Kino-chosen {@code prompt_id} in the job (so a re-claimed job
 * finds the run instead of starting a second), open the websocket, {@code POST /prompt}, follow the
 * messages (progress, node errors, the end) with {@code /history} as the source of truth and the
 * fallback when the socket drops, then download every output file through {@code /view}. A server
 * that cannot be reached fails the attempt (the job is retried on another server); a running job
 * can be cancelled ({@code POST /interrupt}).
 */
public final class ComfyUiEngine implements Engine, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ComfyUiEngine.class);
  private static final long HISTORY_POLL_MILLIS = 500;

  private final ComfyPool pool;
  private final Map<String, ComfyWorkflow> workflows = new HashMap<>();
  private final InputFiles inputs;
  private final HttpClient http;

  /**
   * Checks every definition's workflow now (a bad one stops start-up) and starts the pool's health
   * checks.
   */
  public ComfyUiEngine(
      List<URI> servers,
      List<ModelDefinition> definitions,
      InputFiles inputs,
      Duration healthEvery,
      int queueDepth,
      ServerHealth shared) {
    for (ModelDefinition definition : definitions) {
      workflows.put(definition.id(), ComfyWorkflow.from(definition));
    }
    this.inputs = inputs;
    // ComfyUI's server (aiohttp) speaks HTTP/1.1 only: no h2c upgrade attempt on each new
    // connection.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    this.pool = new ComfyPool(servers, http, healthEvery, workflows, queueDepth, shared);
  }

  @Override
  public Optional<Slots> slots() {
    return Optional.of(pool);
  }

  @Override
  public boolean cancelsRunningJobs() {
    return true;
  }

  @Override
  public Optional<String> unavailable(ModelDefinition model) {
    return pool.unavailable(model.id());
  }

  @Override
  public EngineResult run(EngineTask task, Reporter reporter)
      throws EngineException, InterruptedException {
    ComfyWorkflow workflow = workflows.get(task.modelId());
    if (workflow == null) {
      throw new EngineException(
          "model_unavailable", "no ComfyUI workflow for " + task.modelId() + " on this node");
    }
    ComfyPool.Hold hold = (ComfyPool.Hold) task.slot();
    // First take the server an earlier attempt used (a local decision, before any other job can
    // start a prompt
    // there), then see whether its prompt is still there.
    Optional<ComfyPool.Server> earlierServer =
        task.state().flatMap(s -> pool.find(s.path("server").asString("")));
    boolean held = earlierServer.filter(pool::looksHealthy).map(hold::moveTo).orElse(false);
    Optional<Earlier> earlier =
        earlierServer.flatMap(s -> earlierRun(s, task.state().orElseThrow()));
    if (earlier.isPresent() && !held) {
      reporter.log(
          "the ComfyUI server "
              + earlier.get().server().client.url()
              + " is running another job too; following this job's prompt there anyway");
    }
    ComfyPool.Server server = earlier.map(Earlier::server).orElseGet(hold::commit);
    ComfyClient client = server.client;
    if (earlier.isEmpty()) {
      // A worker claims only jobs its server can run, but a hold traded with a resuming job may
      // have brought this job to another server: back to the queue, for a server that can.
      Optional<String> lacking = pool.lacksFor(server, task.modelId());
      if (lacking.isPresent()) {
        throw EngineException.retryable(
            "comfyui_unavailable",
            "the ComfyUI server " + client.url() + " " + lacking.get(),
            null);
      }
    }
    // A fresh prompt is followed on the server's shared socket; a resumed one on a socket of its
    // own, under the
    // client id it was queued with (ComfyUI sends a prompt's messages to that id only).
    ComfySocket events =
        earlier.map(e -> new ComfySocket(client, e.clientId())).orElse(server.socket);
    String promptId = earlier.map(Earlier::promptId).orElseGet(() -> UUID.randomUUID().toString());
    PromptSocket messages = events.follow(promptId);
    boolean started = earlier.isPresent();
    try {
      boolean listening = connectQuietly(events, reporter);
      if (started) {
        reporter.log(
            "resuming ComfyUI prompt "
                + promptId
                + " on "
                + client.url()
                + " (started by an earlier attempt)");
      } else {
        Map<String, String> uploaded = uploadImages(task, workflow, client);
        ObjectNode graph =
            workflow.graph(
                task.input(),
                uploaded,
                () -> ThreadLocalRandom.current().nextLong(0, 1L << 32),
                task.jobId(),
                promptId);
        ObjectNode state = JsonMapper.shared().createObjectNode();
        state
            .put("server", client.url())
            .put("prompt_id", promptId)
            .put("client_id", events.clientId());
        reporter.checkpoint(
            state); // before the prompt exists, so no attempt can start a second one unknowingly
        try {
          client.queuePrompt(graph, events.clientId(), promptId);
        } catch (ComfyClient.Rejected rejected) {
          throw new EngineException("node_error", NodeErrors.describe(rejected.body, workflow));
        }
        started = true;
        reporter.log("queued ComfyUI prompt " + promptId + " on " + client.url());
      }
      JsonNode history = follow(client, promptId, messages, listening, reporter);
      return outputs(client, history, task, promptId);
    } catch (IOException e) {
      String reason = reason(e);
      pool.failed(client, reason);
      throw EngineException.retryable(
          "comfyui_unavailable", "the ComfyUI server " + client.url() + " failed: " + reason, e);
    } catch (InterruptedException e) {
      if (task.cancelRequested().getAsBoolean() && started) {
        takeOffQuietly(client, promptId);
      }
      throw e;
    } finally {
      events.forget(promptId);
      if (events != server.socket) {
        events.close();
      }
    }
  }

  private record Earlier(ComfyPool.Server server, String promptId, String clientId) {}

  /**
   * The prompt an earlier attempt started on {@code server}, if the server still answers and knows
   * it.
   */
  private Optional<Earlier> earlierRun(ComfyPool.Server server, ObjectNode state) {
    String promptId = state.path("prompt_id").asString("");
    return Optional.of(server)
        .filter(s -> !promptId.isEmpty() && s.client.healthy(Duration.ofSeconds(5)))
        .filter(
            s -> {
              try {
                return s.client.history(promptId).isPresent() || s.client.queued(promptId);
              } catch (IOException e) {
                return false;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            })
        .map(s -> new Earlier(s, promptId, state.path("client_id").asString("kino-" + promptId)));
  }

  private Map<String, String> uploadImages(
      EngineTask task, ComfyWorkflow workflow, ComfyClient client)
      throws EngineException, InterruptedException, IOException {
    Map<String, String> uploaded = new HashMap<>();
    for (String field : workflow.imageFields()) {
      JsonNode url = task.input().get(field);
      if (url == null || !url.isString()) {
        continue;
      }
      try (LocalInput image = inputs.open(field, url.asString(), ImageInputs.MAX_IMAGE_BYTES)) {
        ImageFormat format = ImageInputs.inspect(field, url.asString(), image.path());
        String name =
            "kino-"
                + task.jobId()
                + "-"
                + field
                + "."
                + format.name().toLowerCase(Locale.ROOT).replace("jpeg", "jpg");
        uploaded.put(field, client.uploadImage(image.path(), name));
      } catch (InputException e) {
        throw new EngineException(e.code(), e.getMessage(), e);
      }
    }
    return uploaded;
  }

  /**
   * Follows the prompt to its end. While the socket lives, its messages carry progress, and {@code
   * executing} with a null node (sent once ComfyUI has written the history entry) says the end has
   * come; the history entry then decides how it ended. A quiet socket is checked against the
   * history now and then; without a socket, or after it drops, the history is polled. A prompt in
   * neither the history nor the queue was lost with a restart of the server.
   */
  private JsonNode follow(
      ComfyClient client,
      String promptId,
      PromptSocket socket,
      boolean socketOpen,
      Reporter reporter)
      throws IOException, InterruptedException {
    boolean listening = socketOpen;
    long quietSince = System.nanoTime();
    double shown = 0;
    while (true) {
      if (listening) {
        JsonNode message = socket.next(HISTORY_POLL_MILLIS);
        if (message == PromptSocket.CLOSED) {
          reporter.log("lost the ComfyUI websocket; following the prompt through /history");
          listening = false;
          continue;
        }
        if (message != null
            && !message.path("data").path("prompt_id").asString(promptId).equals(promptId)) {
          continue; // another prompt's, or a broadcast
        }
        if (message != null && !isEnd(message)) {
          shown = onMessage(message, reporter, shown);
          quietSince = System.nanoTime();
          continue;
        }
        if (message == null && System.nanoTime() - quietSince < QUIET_SOCKET_CHECK.toNanos()) {
          continue;
        }
        quietSince = System.nanoTime();
      } else {
        Thread.sleep(HISTORY_POLL_MILLIS);
      }
      Optional<JsonNode> history = client.history(promptId);
      if (history.isPresent() && isFinished(history.get())) {
        return history.get();
      }
      if (history.isEmpty() && !listening && !client.queued(promptId)) {
        throw new IOException(
            "prompt " + promptId + " is neither queued nor in the history (the server restarted?)");
      }
    }
  }

  /**
   * How long a live socket may stay silent before the history is asked anyway (a message may have
   * been lost).
   */
  private static final Duration QUIET_SOCKET_CHECK = Duration.ofSeconds(5);

  /** ComfyUI's last message for a prompt: the history entry is written by the time it is sent. */
  private static boolean isEnd(JsonNode message) {
    return message.path("type").asString().equals("executing")
        && message.path("data").path("node").isNull();
  }

  private static boolean isFinished(JsonNode history) {
    JsonNode status = history.path("status");
    return status.path("completed").asBoolean(false)
        || status.path("status_str").asString("").equals("error");
  }

  /**
   * Logs the start and carries {@code progress} (value/max of the node running) to the job. A
   * workflow may have several nodes that report progress (two sampler passes, a tiled decode); the
   * job's figure never goes back, and stays below 1 until the outputs are stored. Returns the
   * figure shown now.
   */
  private static double onMessage(JsonNode message, Reporter reporter, double shown) {
    JsonNode data = message.path("data");
    switch (message.path("type").asString()) {
      case "execution_start" -> reporter.log("ComfyUI started the prompt");
      case "progress" -> {
        double max = data.path("max").asDouble(0);
        double now = max > 0 ? Math.min(0.99, data.path("value").asDouble() / max) : shown;
        if (now > shown) {
          reporter.progress(now);
          return now;
        }
      }
      default -> {}
    }
    return shown;
  }

  /**
   * Success: every file in the outputs; error: the node and its message; interrupted: cancelled.
   */
  private EngineResult outputs(
      ComfyClient client, JsonNode history, EngineTask task, String promptId)
      throws IOException, InterruptedException, EngineException {
    JsonNode status = history.path("status");
    if (status.path("status_str").asString("").equals("error")) {
      for (JsonNode m : status.path("messages")) {
        if (m.path(0).asString().equals("execution_interrupted")) {
          if (task.cancelRequested().getAsBoolean()) {
            throw new InterruptedException("cancelled");
          }
          throw new EngineException(
              "interrupted", "the prompt was interrupted on the ComfyUI server");
        }
        if (m.path(0).asString().equals("execution_error")) {
          JsonNode e = m.path(1);
          throw new EngineException(
              "execution_error",
              "node "
                  + e.path("node_id").asString()
                  + " ("
                  + e.path("node_type").asString()
                  + ") failed: "
                  + e.path("exception_message").asString().strip());
        }
      }
      throw new EngineException("execution_error", "ComfyUI reports the prompt failed");
    }
    List<OutputFile> files = new ArrayList<>();
    Set<String> names = new HashSet<>();
    ObjectNode produced = JsonMapper.shared().createObjectNode();
    for (Map.Entry<String, JsonNode> node : history.path("outputs").properties()) {
      for (Map.Entry<String, JsonNode> kind : node.getValue().properties()) {
        if (!kind.getValue().isArray()) {
          continue;
        }
        for (JsonNode item : kind.getValue()) {
          String filename = item.path("filename").asString("");
          if (filename.isEmpty() || filename.contains("/") || filename.contains("..")) {
            continue;
          }
          String subfolder = item.path("subfolder").asString("");
          String local = names.add(filename) ? filename : node.getKey() + "-" + filename;
          Path target = task.workDir().resolve(local);
          if (!client.view(filename, subfolder, item.path("type").asString("output"), target)) {
            // The server answers, but the file it names is gone (an operator's clean-up of its
            // output folder): this job's loss, not the server's fault.
            throw new EngineException(
                "output_unreadable",
                "ComfyUI reports the output "
                    + ComfyClient.inSubfolder(subfolder, filename)
                    + " of node "
                    + node.getKey()
                    + ", but "
                    + client.url()
                    + " has no such file (GET /view answered 404)");
          }
          files.add(new OutputFile(FileType.fieldOf(filename), target));
          produced
              .withArrayProperty(node.getKey() + "." + kind.getKey())
              .add(ComfyClient.inSubfolder(subfolder, filename));
        }
      }
    }
    if (files.isEmpty()) {
      throw new EngineException(
          "no_output",
          "the ComfyUI prompt finished without any output file (is there a SaveVideo node?)");
    }
    files.sort((a, b) -> Integer.compare(rank(a.field()), rank(b.field())));
    ObjectNode metadata = JsonMapper.shared().createObjectNode();
    metadata.put("engine", "comfyui");
    metadata.put("server", client.url());
    metadata.put("prompt_id", promptId);
    metadata.set("files", produced);
    return new EngineResult(files, metadata);
  }

  private static int rank(String field) {
    return switch (field) {
      case "video" -> 0;
      case "image" -> 1;
      case "audio" -> 2;
      default -> 3;
    };
  }

  /** A socket that will not open leaves the run to follow its prompt through /history. */
  private static boolean connectQuietly(ComfySocket events, Reporter reporter)
      throws InterruptedException {
    try {
      events.connect();
      return true;
    } catch (IOException e) {
      reporter.log(
          "no ComfyUI websocket (" + e.getMessage() + "); following the prompt through /history");
      return false;
    }
  }

  /** What went wrong, also when the exception has no message (a refused connection has none). */
  private static String reason(IOException e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** Stops the prompt, running or still waiting in the server's queue. */
  private static void takeOffQuietly(ComfyClient client, String promptId) {
    try {
      client.takeOff(promptId);
    } catch (IOException | InterruptedException e) {
      LOG.warn(
          "could not interrupt ComfyUI prompt {} on {}: {}", promptId, client.url(), e.toString());
    }
  }

  @Override
  public void close() {
    pool.close();
    http.close();
  }
}
