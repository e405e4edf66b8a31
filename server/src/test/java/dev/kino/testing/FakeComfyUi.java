package dev.kino.testing;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsHandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fake ComfyUI server for tests, standing in for a GPU machine running ComfyUI. It serves the
 * routes and websocket messages Kino uses, shaped as ComfyUI's {@code server.py} and {@code
 * execution.py} send them: {@code /system_stats}, {@code /upload/image} (multipart: image,
 * subfolder, type), {@code /prompt} (validates that LoadImage names exist and that every linked
 * node exists, answering 400 {@code node_errors} otherwise), {@code /queue}, {@code /history/{id}},
 * {@code /view}, {@code /interrupt} and {@code /ws?clientId=} with {@code status}, {@code
 * execution_start}, {@code execution_cached}, {@code executing} (a null node at the end), {@code
 * progress}, {@code executed}, {@code execution_success}, {@code execution_error} and {@code
 * execution_interrupted}. Prompts run one at a time; SaveVideo nodes write a real MP4 under {@code
 * output/<subfolder>}. Failures can be injected: a node error, an execution error, a crash mid-run,
 * slow steps, a dropped websocket.
 */
public final class FakeComfyUi implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.shared();

  /** Node types ComfyUI treats as outputs (OUTPUT_NODE = True) among those the tests use. */
  private static final Set<String> OUTPUT_NODES =
      Set.of("SaveVideo", "SaveImage", "PreviewImage", "PreviewAny", "SaveAnimatedWEBP");

  /** ImageScale's choices in ComfyUI's nodes.py. */
  private static final List<String> IMAGE_SCALE_METHODS =
      List.of("nearest-exact", "bilinear", "area", "bicubic", "lanczos");

  private static final byte[] VIDEO = Images.twoSecondVideo();

  private final Path root;
  private final int port;
  private final Javalin app;
  private final BlockingQueue<ObjectNode> queue = new LinkedBlockingQueue<>();
  private final Map<String, ObjectNode> history = new ConcurrentHashMap<>();
  private final Map<String, List<WsContext>> sockets = new ConcurrentHashMap<>();
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private final AtomicReference<ObjectNode> running = new AtomicReference<>();
  private volatile Map<String, JsonNode> cache = new ConcurrentHashMap<>();
  private final AtomicInteger number = new AtomicInteger();
  private final AtomicInteger concurrent = new AtomicInteger();
  private final AtomicInteger maxConcurrent = new AtomicInteger();
  private final AtomicInteger maxPresent = new AtomicInteger();
  private final AtomicBoolean interrupt = new AtomicBoolean();
  private final Thread executor;
  private volatile boolean alive = true;
  private volatile Duration stepDelay = Duration.ZERO;
  private volatile int steps = 4;
  private volatile String rejectNode;
  private final List<String> takenOff = new CopyOnWriteArrayList<>();
  private final List<long[]> runs = new CopyOnWriteArrayList<>();
  private volatile String failNode;
  private volatile boolean crashNextRun;
  private volatile boolean loseOutputs;
  private final Set<String> missingNodes = ConcurrentHashMap.newKeySet();
  private final Set<String> missingFiles = ConcurrentHashMap.newKeySet();
  private volatile boolean dropSocketsNextRun;
  private volatile boolean starting;
  private volatile int decodeTiles;

  public FakeComfyUi() {
    this(0);
  }

  /** On a given port (0: any), e.g. to come back on the same address after a crash. */
  public FakeComfyUi(int port) {
    try {
      root = Files.createTempDirectory("fake-comfyui-");
      for (String dir : new String[] {"input", "output", "temp"}) {
        Files.createDirectories(root.resolve(dir));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    app =
        Javalin.create(
                config -> {
                  config.startup.showJavalinBanner = false;
                  config.startup.showOldJavalinVersionWarning = false;
                  config.jetty.host = "127.0.0.1";
                  config.jetty.port = port;
                  config.routes.get("/system_stats", this::systemStats);
                  config.routes.get("/object_info", this::objectInfo);
                  config.routes.post("/upload/image", this::upload);
                  config.routes.post("/prompt", this::prompt);
                  config.routes.get("/queue", this::queueState);
                  config.routes.post("/queue", this::queueChange);
                  config.routes.get("/history", this::allHistory);
                  config.routes.get("/history/{prompt_id}", this::historyOf);
                  config.routes.get("/view", this::view);
                  config.routes.post("/interrupt", this::interruptRoute);
                  config.routes.addWsHandler(
                      WsHandlerType.WEBSOCKET,
                      "/ws",
                      ws -> {
                        ws.onConnect(
                            ctx -> {
                              String clientId =
                                  Optional.ofNullable(ctx.queryParam("clientId"))
                                      .orElse(ctx.sessionId());
                              sockets
                                  .computeIfAbsent(clientId, id -> new CopyOnWriteArrayList<>())
                                  .add(ctx);
                              // As server.py: the socket is registered first, then greeted with the
                              // queue's state and its sid.
                              ObjectNode status = JSON.createObjectNode();
                              status
                                  .putObject("status")
                                  .putObject("exec_info")
                                  .put(
                                      "queue_remaining",
                                      queue.size() + (running.get() == null ? 0 : 1));
                              ctx.send(
                                  JSON.writeValueAsString(
                                      message("status", status.put("sid", clientId))));
                            });
                        ws.onClose(ctx -> sockets.values().forEach(list -> list.remove(ctx)));
                      });
                })
            .start();
    this.port = app.port();
    executor = Thread.ofPlatform().name("fake-comfyui-executor").daemon().start(this::execute);
  }

  /**
   * A new server on a dead one's address, as a ComfyUI restarted after a crash. A kill stops the
   * old listener in the background, so this waits (up to 10 s) for the port to be released.
   */
  public static FakeComfyUi onPortOf(FakeComfyUi dead) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return new FakeComfyUi(dead.port());
      } catch (RuntimeException bindFailed) {
        if (System.nanoTime() > deadline) {
          throw bindFailed;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw bindFailed;
        }
      }
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  // --- what tests set
  // -------------------------------------------------------------------------------------------

  /** Each sampler step takes this long (progress messages are this far apart). */
  public FakeComfyUi slowSteps(int count, Duration each) {
    steps = count;
    stepDelay = each;
    return this;
  }

  /** The next /prompt is refused with a node error on this node (its first literal input). */
  public FakeComfyUi rejectNextPrompt(String node) {
    rejectNode = node;
    return this;
  }

  /** The next run fails with an execution error in this node. */
  public FakeComfyUi failNextRun(String node) {
    failNode = node;
    return this;
  }

  /** The next run dies halfway: the whole server stops, as when the machine or process crashes. */
  public FakeComfyUi crashDuringNextRun() {
    crashNextRun = true;
    return this;
  }

  /**
   * The next file saved is gone before anyone reads it, as after an operator's clean-up of the
   * output folder: {@code /view} answers 404 for it.
   */
  public FakeComfyUi loseNextOutput() {
    loseOutputs = true;
    return this;
  }

  /** Where save nodes write (ComfyUI's {@code output/}). */
  public Path outputDir() {
    return root.resolve("output");
  }

  /** This server lacks these node types (a custom node pack not installed). */
  public FakeComfyUi withoutNodes(String... types) {
    missingNodes.addAll(List.of(types));
    return this;
  }

  /** This server lacks these model files (their loaders do not list them). */
  public FakeComfyUi withoutFiles(String... files) {
    missingFiles.addAll(List.of(files));
    return this;
  }

  /** The next run closes every websocket halfway and carries on. */
  public FakeComfyUi dropSocketsDuringNextRun() {
    dropSocketsNextRun = true;
    return this;
  }

  /**
   * While true the server acts as one still starting up (loading custom nodes): {@code
   * /system_stats} answers 503, so a pool gives it no work. Lets a test choose which server a job
   * lands on.
   */
  public FakeComfyUi starting(boolean value) {
    starting = value;
    return this;
  }

  /**
   * VAEDecode nodes report progress too, as a tiled decode does: a second progress bar after the
   * sampler's, one step per tile (each as long as a sampler step).
   */
  public FakeComfyUi decodeInTiles(int tiles) {
    decodeTiles = tiles;
    return this;
  }

  /** Every prompt graph received, in order. */
  /** Prompt ids Kino deleted from the queue ({@code POST /queue {"delete": [...]}}). */
  public List<String> takenOff() {
    return List.copyOf(takenOff);
  }

  /** When each prompt that ran started and ended ({@code System.nanoTime()}), in order. */
  public List<long[]> runs() {
    return List.copyOf(runs);
  }

  public List<JsonNode> prompts() {
    return List.copyOf(received);
  }

  /**
   * The most prompts that ever ran at the same time (ComfyUI runs one; Kino must send one at a
   * time).
   */
  public int maxConcurrent() {
    return maxConcurrent.get();
  }

  /** The most prompts this server ever had at once, the running one and those in its queue. */
  public int maxPresent() {
    return maxPresent.get();
  }

  /** How many prompts were waiting in this server's own queue at the most... and now. */
  public int queued() {
    return queue.size();
  }

  public boolean isAlive() {
    return alive;
  }

  public Path inputDir() {
    return root.resolve("input");
  }

  // --- routes
  // ---------------------------------------------------------------------------------------------------

  /** As ComfyUI describes its machine: the system, then one entry per device (a GPU's VRAM). */
  private void systemStats(Context ctx) {
    if (starting) {
      ctx.status(503).result("starting");
      return;
    }
    ObjectNode stats = JSON.createObjectNode();
    stats
        .putObject("system")
        .put("os", "posix")
        .put("ram_total", 68_719_476_736L)
        .put("ram_free", 60_000_000_000L)
        .put("comfyui_version", "0.3.fake")
        .put("python_version", "3.12")
        .put("pytorch_version", "2.7.0+cu128")
        .put("embedded_python", false)
        .putArray("argv")
        .add("main.py");
    stats
        .putArray("devices")
        .addObject()
        .put("name", "cuda:0 fake GPU")
        .put("type", "cuda")
        .put("index", 0)
        .put("vram_total", 25_769_803_776L)
        .put("vram_free", 24_000_000_000L)
        .put("torch_vram_total", 0)
        .put("torch_vram_free", 0);
    json(ctx, stats);
  }

  /**
   * The node types this server has: every type the repository's workflows use (examples, the kit's,
   * the tests'), as a server with every node pack installed, less those a test removed.
   */
  private Set<String> nodeTypes() {
    Set<String> types = new HashSet<>(KNOWN.keySet());
    types.removeAll(missingNodes);
    return types;
  }

  /**
   * {@code /object_info} as ComfyUI shapes it, for the inputs Kino reads: each node type's inputs,
   * a list of choices as the spec's first element. A loader's list is the model files the
   * repository's workflows name (the server "has the weights"), less those a test removed;
   * LoadImage's is the input folder; ImageScale's its methods.
   */
  private void objectInfo(Context ctx) throws IOException {
    ObjectNode info = JSON.createObjectNode();
    for (String type : nodeTypes()) {
      ObjectNode required = info.putObject(type).putObject("input").putObject("required");
      KNOWN
          .get(type)
          .forEach(
              (input, values) -> {
                ArrayNode choices = required.putArray(input).addArray();
                values.stream().filter(v -> !missingFiles.contains(v)).forEach(choices::add);
              });
      ((ObjectNode) info.get(type)).put("output_node", OUTPUT_NODES.contains(type));
    }
    if (info.has("LoadImage")) {
      ArrayNode images = info.at("/LoadImage/input/required").withArray("image").removeAll();
      ArrayNode files = images.addArray();
      try (var listed = Files.list(root.resolve("input"))) {
        listed.forEach(f -> files.add(f.getFileName().toString()));
      }
    }
    if (info.has("ImageScale")) {
      ArrayNode methods =
          info.at("/ImageScale/input/required").withArray("upscale_method").removeAll().addArray();
      IMAGE_SCALE_METHODS.forEach(methods::add);
    }
    json(ctx, info);
  }

  /** Node type -> loader input -> the files named for it, from every workflow in the repository. */
  private static final Map<String, Map<String, Set<String>>> KNOWN = knownNodes();

  private static Map<String, Map<String, Set<String>>> knownNodes() {
    Map<String, Map<String, Set<String>>> known = new HashMap<>();
    // The server module's directory: the tests run there, the benchmarks from the repository's
    // root.
    Path here = Path.of(System.getProperty("user.dir"));
    Path module = Files.isDirectory(here.resolve("server/src")) ? here.resolve("server") : here;
    for (Path dir :
        List.of(
            module.resolve("../examples/comfyui/models"),
            module.resolve("src/test/resources/comfyui-kit"),
            module.resolve("src/test/resources/comfyui-models"))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (var files = Files.walk(dir)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".workflow.json")).toList()) {
          for (Map.Entry<String, JsonNode> node : JSON.readTree(file.toFile()).properties()) {
            Map<String, Set<String>> inputs =
                known.computeIfAbsent(
                    node.getValue().path("class_type").asString(), t -> new HashMap<>());
            for (Map.Entry<String, JsonNode> input : node.getValue().path("inputs").properties()) {
              if (input.getKey().endsWith("_name") && input.getValue().isString()) {
                inputs
                    .computeIfAbsent(input.getKey(), i -> new HashSet<>())
                    .add(input.getValue().asString());
              }
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (String type : List.of("LoadImage", "ImageScale", "SaveVideo", "SaveImage")) {
      known.computeIfAbsent(type, t -> new HashMap<>());
    }
    known.get("LoadImage").put("image", Set.of());
    known.get("ImageScale").put("upscale_method", Set.of());
    return known;
  }

  /** Kino's Jackson 3 is not Javalin's mapper, so JSON answers are written out here. */
  private static void json(Context ctx, JsonNode body) {
    ctx.contentType("application/json").result(JSON.writeValueAsString(body));
  }

  private void upload(Context ctx) throws IOException {
    UploadedFile file = ctx.uploadedFile("image");
    if (file == null) {
      ctx.status(400).result("no image");
      return;
    }
    String subfolder = Optional.ofNullable(ctx.formParam("subfolder")).orElse("");
    String type = Optional.ofNullable(ctx.formParam("type")).orElse("input");
    Path dir = root.resolve(type).resolve(subfolder);
    Files.createDirectories(dir);
    try (InputStream in = file.content()) {
      Files.copy(
          in, dir.resolve(file.filename()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    json(
        ctx,
        JSON.createObjectNode()
            .put("name", file.filename())
            .put("subfolder", subfolder)
            .put("type", type));
  }

  private void prompt(Context ctx) {
    JsonNode body = JSON.readTree(ctx.body());
    ObjectNode graph = (ObjectNode) body.path("prompt");
    received.add(graph.deepCopy());
    for (Map.Entry<String, JsonNode> node : graph.properties()) {
      String type = node.getValue().path("class_type").asString();
      if (!nodeTypes().contains(type)) {
        // As validate_prompt: a node type the server lacks refuses the whole prompt.
        ObjectNode error = JSON.createObjectNode();
        error
            .putObject("error")
            .put("type", "invalid_prompt")
            .put("message", "Cannot execute because node " + type + " does not exist.")
            .put("details", "Node ID '#" + node.getKey() + "'")
            .putObject("extra_info");
        error.putObject("node_errors");
        json(ctx.status(400), error);
        return;
      }
    }
    String reject = rejectNode;
    rejectNode = null;
    ObjectNode nodeErrors = JSON.createObjectNode();
    if (reject != null && graph.has(reject)) {
      String input = graph.get(reject).path("inputs").propertyNames().iterator().next();
      nodeErrors.set(
          reject,
          nodeError(
              graph,
              reject,
              "value_not_in_list",
              "Value not in list",
              input,
              input + ": not one of the choices"));
    }
    checkChoice(
        graph,
        nodeErrors,
        "LoadImage",
        "image",
        image -> Files.exists(root.resolve("input").resolve(image)),
        "[]");
    checkChoice(
        graph,
        nodeErrors,
        "ImageScale",
        "upscale_method",
        IMAGE_SCALE_METHODS::contains,
        IMAGE_SCALE_METHODS.toString());
    // As ComfyUI's validate_prompt: an output is good when nothing it depends on has an error; with
    // at least one good output the prompt is queued (200) for those alone, node_errors and all.
    List<String> good = new ArrayList<>();
    for (Map.Entry<String, JsonNode> node : graph.properties()) {
      if (OUTPUT_NODES.contains(node.getValue().path("class_type").asString())) {
        Set<String> needs = upstream(graph, node.getKey());
        if (needs.stream().noneMatch(nodeErrors::has)) {
          good.add(node.getKey());
        } else {
          needs.stream()
              .filter(nodeErrors::has)
              .forEach(
                  bad ->
                      ((ArrayNode) nodeErrors.get(bad).path("dependent_outputs"))
                          .add(node.getKey()));
        }
      }
    }
    if (!nodeErrors.isEmpty() && good.isEmpty()) {
      ObjectNode error = JSON.createObjectNode();
      error
          .putObject("error")
          .put("type", "prompt_outputs_failed_validation")
          .put("message", "Prompt outputs failed validation")
          .put("details", "")
          .putObject("extra_info");
      error.set("node_errors", nodeErrors);
      json(ctx.status(400), error);
      return;
    }
    String promptId = body.path("prompt_id").asString(java.util.UUID.randomUUID().toString());
    ObjectNode item = JSON.createObjectNode();
    item.put("number", number.getAndIncrement());
    item.put("prompt_id", promptId);
    item.put("client_id", body.path("client_id").asString(""));
    item.set("prompt", graph);
    ArrayNode outputs = item.putArray("outputs");
    good.forEach(outputs::add);
    queue.add(item);
    maxPresent.accumulateAndGet(queue.size() + (running.get() == null ? 0 : 1), Math::max);
    json(
        ctx,
        JSON.createObjectNode()
            .put("prompt_id", promptId)
            .put("number", item.path("number").asInt())
            .set("node_errors", nodeErrors));
  }

  /**
   * ComfyUI's {@code value_not_in_list} for every node of the type whose input is not one of its
   * choices (listed as {@code choices} in the details).
   */
  private static void checkChoice(
      ObjectNode graph,
      ObjectNode nodeErrors,
      String classType,
      String input,
      Predicate<String> allowed,
      String choices) {
    for (Map.Entry<String, JsonNode> node : graph.properties()) {
      if (node.getValue().path("class_type").asString().equals(classType)) {
        String value = node.getValue().path("inputs").path(input).asString();
        if (!allowed.test(value)) {
          nodeErrors.set(
              node.getKey(),
              nodeError(
                  graph,
                  node.getKey(),
                  "value_not_in_list",
                  "Value not in list",
                  input,
                  input + ": '" + value + "' not in " + choices));
        }
      }
    }
  }

  /** The node and every node it takes an input from, transitively. */
  private static Set<String> upstream(ObjectNode graph, String node) {
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(node));
    while (!todo.isEmpty()) {
      String id = todo.pop();
      if (seen.add(id)) {
        for (JsonNode input : graph.path(id).path("inputs")) {
          if (input.isArray() && input.size() == 2 && input.get(0).isString()) {
            todo.push(input.get(0).asString());
          }
        }
      }
    }
    return seen;
  }

  /** {@code POST /queue}: {@code delete} takes waiting prompts off the queue; {@code clear} all. */
  private void queueChange(Context ctx) {
    JsonNode body = JSON.readTree(ctx.body());
    if (body.path("clear").asBoolean(false)) {
      queue.clear();
    }
    for (JsonNode id : body.path("delete")) {
      takenOff.add(id.asString());
      queue.removeIf(item -> item.path("prompt_id").asString().equals(id.asString()));
    }
    ctx.status(200);
  }

  private static ObjectNode nodeError(
      ObjectNode graph, String node, String type, String message, String input, String details) {
    ObjectNode e = JSON.createObjectNode();
    ArrayNode errors = e.putArray("errors");
    ObjectNode first =
        errors.addObject().put("type", type).put("message", message).put("details", details);
    first.putObject("extra_info").put("input_name", input);
    e.putArray("dependent_outputs");
    e.put("class_type", graph.path(node).path("class_type").asString());
    return e;
  }

  private void queueState(Context ctx) {
    ObjectNode state = JSON.createObjectNode();
    ArrayNode runningList = state.putArray("queue_running");
    ObjectNode now = running.get();
    if (now != null) {
      runningList.add(entry(now));
    }
    ArrayNode pending = state.putArray("queue_pending");
    queue.forEach(item -> pending.add(entry(item)));
    json(ctx, state);
  }

  private static ArrayNode entry(ObjectNode item) {
    ArrayNode e = JSON.createArrayNode();
    e.add(item.path("number").asInt())
        .add(item.path("prompt_id").asString())
        .add(item.path("prompt"))
        .addObject();
    e.addArray();
    return e;
  }

  private void allHistory(Context ctx) {
    ObjectNode answer = JSON.createObjectNode();
    history.forEach(answer::set);
    json(ctx, answer);
  }

  private void historyOf(Context ctx) {
    String id = ctx.pathParam("prompt_id");
    ObjectNode answer = JSON.createObjectNode();
    ObjectNode entry = history.get(id);
    if (entry != null) {
      answer.set(id, entry);
    }
    json(ctx, answer);
  }

  private void view(Context ctx) throws IOException {
    String type = Optional.ofNullable(ctx.queryParam("type")).orElse("output");
    Path file =
        root.resolve(type)
            .resolve(Optional.ofNullable(ctx.queryParam("subfolder")).orElse(""))
            .resolve(ctx.queryParam("filename"))
            .normalize();
    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
      ctx.status(404);
      return;
    }
    ctx.contentType("video/mp4").result(Files.readAllBytes(file));
  }

  private void interruptRoute(Context ctx) {
    JsonNode body = ctx.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(ctx.body());
    ObjectNode now = running.get();
    if (now != null
        && (!body.has("prompt_id")
            || body.path("prompt_id").asString().equals(now.path("prompt_id").asString()))) {
      interrupt.set(true);
    }
    ctx.status(200);
  }

  // --- execution
  // ------------------------------------------------------------------------------------------------

  private void execute() {
    while (alive) {
      ObjectNode item;
      try {
        item = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (item == null) {
        continue;
      }
      running.set(item);
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      long startedAt = System.nanoTime();
      try {
        Execution done = run(item);
        if (done == null) {
          return; // crashed: no history, no last message
        }
        // As ComfyUI's prompt_worker: the history entry is written first, then "executing" with a
        // null node
        // tells the prompt's client that the entry is there.
        ObjectNode entry = historyEntry(item, done.messages(), done.status());
        entry.set("outputs", done.outputs());
        history.put(item.path("prompt_id").asString(), entry);
        send(
            item.path("client_id").asString(),
            null,
            "executing",
            JSON.createObjectNode()
                .putNull("node")
                .put("display_node", (String) null)
                .put("prompt_id", item.path("prompt_id").asString()));
        runs.add(new long[] {startedAt, System.nanoTime()});
      } catch (InterruptedException e) {
        return;
      } finally {
        concurrent.decrementAndGet();
        running.set(null);
      }
    }
  }

  /**
   * How a prompt ended: "success" or "error", the messages its history keeps, the outputs of its
   * nodes.
   */
  private record Execution(String status, ArrayNode messages, ObjectNode outputs) {}

  /**
   * Runs one prompt as ComfyUI's executor does, node by node; null when the server crashed
   * meanwhile.
   */
  private Execution run(ObjectNode item) throws InterruptedException {
    String promptId = item.path("prompt_id").asString();
    String clientId = item.path("client_id").asString();
    ObjectNode graph = (ObjectNode) item.path("prompt");
    ArrayNode messages = JSON.createArrayNode();
    interrupt.set(false);
    send(
        clientId,
        messages,
        "execution_start",
        JSON.createObjectNode()
            .put("prompt_id", promptId)
            .put("timestamp", System.currentTimeMillis()));
    Set<String> toRun = new HashSet<>();
    item.path("outputs").forEach(output -> toRun.addAll(upstream(graph, output.asString())));
    // As ComfyUI's default ("classic") cache: a node whose inputs, its ancestors' included, are
    // those of a node in the last prompt is not run again; an output node among them replays the
    // last prompt's files in "executed". Entries this prompt does not use are dropped.
    Map<String, String> signatures = new HashMap<>();
    for (String id : graph.propertyNames()) {
      signatures.put(id, signature(graph, id));
    }
    Map<String, JsonNode> kept = new HashMap<>(cache);
    kept.keySet().retainAll(signatures.values());
    cache = new ConcurrentHashMap<>(kept);
    ObjectNode cached = JSON.createObjectNode();
    ArrayNode cachedNodes = cached.putArray("nodes");
    graph
        .propertyNames()
        .forEach(
            id -> {
              if ((toRun.isEmpty() || toRun.contains(id)) && kept.containsKey(signatures.get(id))) {
                cachedNodes.add(id);
              }
            });
    send(
        clientId,
        messages,
        "execution_cached",
        cached.put("prompt_id", promptId).put("timestamp", System.currentTimeMillis()));
    ObjectNode outputs = JSON.createObjectNode();
    for (Map.Entry<String, JsonNode> node : graph.properties()) {
      String id = node.getKey();
      String type = node.getValue().path("class_type").asString();
      if (!toRun.isEmpty() && !toRun.contains(id)) {
        continue; // not needed by an output that validated: ComfyUI does not run it
      }
      JsonNode replay = kept.get(signatures.get(id));
      if (replay != null) {
        if (replay.isObject()) {
          outputs.set(id, replay);
          send(clientId, null, "executed", executed(id, promptId, (ObjectNode) replay));
        }
        continue;
      }
      send(
          clientId,
          null,
          "executing",
          JSON.createObjectNode()
              .put("node", id)
              .put("display_node", id)
              .put("prompt_id", promptId));
      progressState(clientId, promptId, id, "running");
      JsonNode inputs = node.getValue().path("inputs");
      if (id.equals(failNode)) {
        failNode = null;
        return failed(
            promptId,
            clientId,
            messages,
            "execution_error",
            id,
            type,
            "CUDA out of memory while running " + type,
            "torch.OutOfMemoryError");
      }
      Steps stepped =
          switch (type) {
            case String t when t.startsWith("KSampler") || t.startsWith("SamplerCustom") ->
                steps(clientId, promptId, id, steps, stepDelay.toMillis());
            case "VAEDecode" -> steps(clientId, promptId, id, decodeTiles, stepDelay.toMillis());
            // The kit's custom nodes: `seconds` of work in `steps` progress steps, or a failure
            // after `after_seconds` (two steps).
            case "KinoKitAnimate" ->
                steps(
                    clientId,
                    promptId,
                    id,
                    inputs.path("steps").asInt(20),
                    (long)
                        (inputs.path("seconds").asDouble(4)
                            * 1000
                            / inputs.path("steps").asInt(20)));
            case "KinoKitFail" ->
                steps(
                    clientId,
                    promptId,
                    id,
                    2,
                    (long) (inputs.path("after_seconds").asDouble(1) * 500));
            default -> Steps.DONE;
          };
      if (stepped == Steps.CRASHED) {
        return null;
      }
      if (stepped == Steps.INTERRUPTED) {
        return failed(promptId, clientId, messages, "execution_interrupted", id, type, null, null);
      }
      if (type.equals("KinoKitFail")) {
        return failed(
            promptId,
            clientId,
            messages,
            "execution_error",
            id,
            type,
            inputs.path("message").asString("KinoKitFail: this node always fails"),
            "RuntimeError");
      }
      String format = inputs.path("format").asString("auto");
      if (type.equals("SaveVideo") && !List.of("auto", "mp4").contains(format)) {
        // SaveVideo's format is a V3 combo that validation lets through: it fails when it runs.
        return failed(
            promptId,
            clientId,
            messages,
            "execution_error",
            id,
            type,
            "'" + format + "' is not a valid VideoContainer\n",
            "ValueError");
      }
      ObjectNode output =
          switch (type) {
            case "SaveVideo" ->
                save(inputs.path("filename_prefix").asString("ComfyUI"), ".mp4", video(graph, id));
            case "SaveImage" ->
                save(
                    inputs.path("filename_prefix").asString("ComfyUI"),
                    ".png",
                    Images.encode(Images.quadrants(8, 8), "png"));
            case "PreviewAny" -> {
              ObjectNode text = JSON.createObjectNode();
              text.putArray("text").add("tensor([[[[1.0000, 1.0000, 1.0000]]]])");
              yield text;
            }
            default -> null;
          };
      cache.put(signatures.get(id), output == null ? JSON.nullNode() : output);
      if (output != null) {
        outputs.set(id, output);
        send(clientId, null, "executed", executed(id, promptId, output));
      }
      progressState(clientId, promptId, id, "finished");
    }
    send(
        clientId,
        messages,
        "execution_success",
        JSON.createObjectNode()
            .put("prompt_id", promptId)
            .put("timestamp", System.currentTimeMillis()));
    return new Execution("success", messages, outputs);
  }

  private static ObjectNode executed(String node, String promptId, ObjectNode output) {
    return JSON.createObjectNode()
        .put("node", node)
        .put("display_node", node)
        .put("prompt_id", promptId)
        .set("output", output);
  }

  /**
   * What ComfyUI's cache keys a node by: its class, its literal inputs and, for a linked input, the
   * linked node's own key. Every input counts, also one the node does not declare.
   */
  private static String signature(ObjectNode graph, String node) {
    JsonNode body = graph.path(node);
    StringBuilder key = new StringBuilder(body.path("class_type").asString()).append('{');
    List<String> names = new ArrayList<>();
    body.path("inputs").propertyNames().forEach(names::add);
    names.sort(null);
    for (String name : names) {
      JsonNode value = body.path("inputs").get(name);
      key.append(name).append('=');
      if (value.isArray() && value.size() == 2 && value.get(0).isString()) {
        key.append('(').append(signature(graph, value.get(0).asString())).append(')');
        key.append(value.get(1).asInt());
      } else {
        key.append(value);
      }
      key.append(';');
    }
    return key.append('}').toString();
  }

  /**
   * {@code execution_error} (with the exception) or {@code execution_interrupted}, as execution.py
   * reports them.
   */
  private Execution failed(
      String promptId,
      String clientId,
      ArrayNode messages,
      String kind,
      String node,
      String type,
      String exception,
      String exceptionType) {
    ObjectNode data =
        JSON.createObjectNode()
            .put("prompt_id", promptId)
            .put("node_id", node)
            .put("node_type", type);
    data.putArray("executed");
    if (exception != null) {
      data.put("exception_message", exception).put("exception_type", exceptionType);
      data.putArray("traceback");
      data.putObject("current_inputs");
      data.putObject("current_outputs");
    }
    send(clientId, messages, kind, data);
    return new Execution("error", messages, JSON.createObjectNode());
  }

  private static ObjectNode historyEntry(ObjectNode item, ArrayNode messages, String status) {
    ObjectNode entry = JSON.createObjectNode();
    entry.set("prompt", entry(item));
    ObjectNode s = entry.putObject("status");
    s.put("status_str", status).put("completed", status.equals("success"));
    s.set("messages", messages);
    return entry;
  }

  /**
   * A save node's file, named as ComfyUI names it ({@code prefix_00001_.ext} in the prefix's
   * subfolder); SaveVideo's MP4 is listed under {@code images} with {@code animated: [true]}.
   */
  private ObjectNode save(String prefix, String extension, byte[] content) {
    String subfolder = prefix.contains("/") ? prefix.substring(0, prefix.lastIndexOf('/')) : "";
    String base = prefix.substring(prefix.lastIndexOf('/') + 1);
    String filename = base + "_" + String.format("%05d", number.get()) + "_" + extension;
    try {
      Path dir = root.resolve("output").resolve(subfolder);
      Files.createDirectories(dir);
      Files.write(dir.resolve(filename), content);
      if (loseOutputs) {
        loseOutputs = false;
        Files.delete(dir.resolve(filename));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode output = JSON.createObjectNode();
    output
        .putArray("images")
        .addObject()
        .put("filename", filename)
        .put("subfolder", subfolder)
        .put("type", "output");
    if (extension.equals(".mp4")) {
      output.putArray("animated").add(true);
    }
    return output;
  }

  /**
   * The MP4 a SaveVideo node writes: for the test kit's image nodes (EmptyImage, ImageScale) of
   * their size, with CreateVideo's frame rate and the batch's length, as ComfyUI renders them;
   * otherwise (models whose frames come from a VAE) a fixed two-second clip.
   */
  private static byte[] video(ObjectNode graph, String saveNode) {
    int width = 0;
    int height = 0;
    int fps = 24;
    int frames = 0;
    for (String id : upstream(graph, saveNode)) {
      JsonNode node = graph.path(id);
      JsonNode inputs = node.path("inputs");
      switch (node.path("class_type").asString()) {
        case "EmptyImage", "ImageScale" -> {
          width = Math.max(width, inputs.path("width").asInt(0));
          height = Math.max(height, inputs.path("height").asInt(0));
          frames = Math.max(frames, inputs.path("batch_size").asInt(0));
        }
        case "RepeatImageBatch" -> frames = Math.max(frames, inputs.path("amount").asInt(0));
        case "CreateVideo" -> fps = (int) Math.round(inputs.path("fps").asDouble(24));
        default -> {}
      }
    }
    if (width <= 0 || height <= 0 || frames <= 0) {
      return VIDEO;
    }
    return Images.video(width, height, fps, Math.min(frames, 240));
  }

  private enum Steps {
    DONE,
    INTERRUPTED,
    CRASHED
  }

  /**
   * A node's progress bar: {@code count} steps {@code millis} apart, each a {@code progress}
   * message; stops at an interrupt, and is where a crash or a dropped socket the test asked for
   * happens (halfway).
   */
  private Steps steps(String clientId, String promptId, String node, int count, long millis)
      throws InterruptedException {
    for (int step = 1; step <= count; step++) {
      Thread.sleep(millis);
      if (interrupt.getAndSet(false)) {
        return Steps.INTERRUPTED;
      }
      if (step == count / 2 + 1 && crashNextRun) {
        crashNextRun = false;
        crash();
        return Steps.CRASHED;
      }
      if (step == count / 2 + 1 && dropSocketsNextRun) {
        dropSocketsNextRun = false;
        sockets.values().forEach(list -> list.forEach(WsContext::closeSession));
      }
      send(
          clientId,
          null,
          "progress",
          JSON.createObjectNode()
              .put("value", step)
              .put("max", count)
              .put("prompt_id", promptId)
              .put("node", node));
      progressState(clientId, promptId, node, "running");
    }
    return Steps.DONE;
  }

  /** ComfyUI 0.3.6x's {@code progress_state}: the state of the node that moved (abridged). */
  private void progressState(String clientId, String promptId, String node, String state) {
    ObjectNode data = JSON.createObjectNode().put("prompt_id", promptId);
    data.putObject("nodes")
        .putObject(node)
        .put("value", state.equals("finished") ? 1.0 : 0.0)
        .put("max", 1.0)
        .put("state", state)
        .put("node_id", node)
        .put("prompt_id", promptId)
        .put("display_node_id", node)
        .putNull("parent_node_id")
        .put("real_node_id", node);
    send(clientId, null, "progress_state", data);
  }

  private void send(String clientId, ArrayNode history, String type, ObjectNode data) {
    if (history != null) {
      history.addArray().add(type).add(data);
    }
    String text = JSON.writeValueAsString(message(type, data));
    for (WsContext ws : sockets.getOrDefault(clientId, List.of())) {
      try {
        ws.send(text);
      } catch (RuntimeException closed) {
        // the client went away
      }
    }
  }

  private static ObjectNode message(String type, ObjectNode data) {
    ObjectNode m = JSON.createObjectNode();
    m.put("type", type);
    m.set("data", data);
    return m;
  }

  /** Everything stops at once, as a killed process would: sockets cut, queue and history gone. */
  private void crash() {
    alive = false;
    sockets
        .values()
        .forEach(
            list ->
                list.forEach(
                    ws -> {
                      try {
                        ws.session.disconnect();
                      } catch (RuntimeException ignored) {
                        // already gone
                      }
                    }));
    Thread.ofVirtual().start(app::stop);
  }

  /** As {@code kill -9}: the running prompt stops where it is, with no history and no goodbye. */
  public void kill() {
    crash();
    executor.interrupt();
  }

  @Override
  public void close() {
    alive = false;
    executor.interrupt();
    app.stop();
  }
}
