package dev.kino.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real ComfyUI program of the test kit ({@code shared/comfyui}: ComfyUI 0.3.64 on the CPU with
 * weightless workflows), one process per server started with the kit's {@code start.sh}, each with
 * its own home and output folder under a temporary directory. Or, with {@code
 * KINO_TEST_COMFYUI=http://host:port,...}, the operator's own servers (which need the kit's custom
 * nodes, {@code shared/comfyui/custom_nodes}), which the suite then neither kills nor cleans.
 */
public final class KitComfyServers implements ComfyServers {
  private final Path kit;
  private final Path home;
  private final List<URI> urls = new ArrayList<>();
  private final List<Long> pids = new ArrayList<>();
  private final List<String> extraArgs = new ArrayList<>();
  private final boolean own;

  private KitComfyServers(Path kit, Path home, boolean own) {
    this.kit = kit;
    this.home = home;
    this.own = own;
  }

  /**
   * Where the kit is: {@code KINO_COMFYUI_KIT}, else {@code shared/comfyui} beside the checkout (as
   * CI places it); empty when it is not there, or when {@code KINO_COMFYUI_KIT=off}.
   */
  public static Optional<Path> kit() {
    String set = System.getenv("KINO_COMFYUI_KIT");
    if ("off".equals(set)) {
      return Optional.empty();
    }
    Path dir =
        set != null && !set.isBlank()
            ? Path.of(set)
            : Path.of(System.getProperty("user.dir")).resolve("../../shared/comfyui").normalize();
    return Files.isRegularFile(dir.resolve("start.sh")) ? Optional.of(dir) : Optional.empty();
  }

  /** The operator's own servers, when {@code KINO_TEST_COMFYUI} names them. */
  public static Optional<List<URI>> ownServers() {
    String set = System.getenv("KINO_TEST_COMFYUI");
    if (set == null || set.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(Arrays.stream(set.split(",")).map(String::strip).map(URI::create).toList());
  }

  /**
   * {@code count} kit servers, each started with {@code args[i]} added to its command line (e.g.
   * {@code --disable-all-custom-nodes}; none for servers past the array's end).
   */
  public static KitComfyServers start(Path kit, int count, String... args) {
    try {
      KitComfyServers servers =
          new KitComfyServers(kit, Files.createTempDirectory("kino-kit-comfyui-"), false);
      for (int i = 0; i < count; i++) {
        servers.extraArgs.add(i < args.length ? args[i] : "");
        servers.urls.add(URI.create("http://127.0.0.1:" + freePort()));
        servers.pids.add(-1L);
      }
      for (int i = 0; i < count; i++) {
        servers.launch(i);
      }
      return servers;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The operator's servers, used as they are, with the copy of the kit's models. */
  public static KitComfyServers own(List<URI> servers) {
    KitComfyServers own = new KitComfyServers(null, null, true);
    own.urls.addAll(servers);
    return own;
  }

  private void launch(int index) {
    int port = urls.get(index).getPort();
    Path instance = home.resolve("comfyui-" + index);
    try {
      // ComfyUI's source tree in the kit lacks input/example.png, which start.sh copies into a
      // new instance; one placed here first is kept (any PNG serves: the kit's i2v workflow
      // names it, Kino's jobs upload their own).
      Path example = instance.resolve("input/example.png");
      if (!Files.exists(example)) {
        Files.createDirectories(example.getParent());
        Files.write(example, Images.encode(Images.quadrants(64, 64), "png"));
      }
      ProcessBuilder start =
          new ProcessBuilder(
                  "bash",
                  kit.resolve("start.sh").toString(),
                  Integer.toString(port),
                  instance.resolve("output").toString())
              .redirectErrorStream(true);
      Map<String, String> env = start.environment();
      env.put("KIT_COMFY_HOME", instance.toString());
      env.put("KIT_COMFY_ARGS", extraArgs.get(index));
      Process process = start.start();
      // start.sh waits (up to 120 s) until the server answers, then prints its pid and exits.
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the kit's start.sh did not exit:\n" + out);
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(
            "the kit's ComfyUI did not start on port "
                + port
                + " (is shared/comfyui/setup.sh done?):\n"
                + out);
      }
      String[] lines = out.strip().split("\n");
      pids.set(index, Long.parseLong(lines[lines.length - 1].strip()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public List<URI> urls() {
    return List.copyOf(urls);
  }

  @Override
  public Path models() {
    return kit == null ? FakeComfyServers.KIT_MODELS : kit.resolve("models");
  }

  @Override
  public boolean controllable() {
    return !own;
  }

  @Override
  public void deleteOutputs() throws IOException {
    if (own) {
      return;
    }
    for (int i = 0; i < urls.size(); i++) {
      Path output = home.resolve("comfyui-" + i).resolve("output");
      try (Stream<Path> files = Files.walk(output)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          if (!file.equals(output)) {
            Files.delete(file);
          }
        }
      }
    }
  }

  @Override
  public void kill(int index) {
    ProcessHandle.of(pids.get(index))
        .ifPresent(
            p -> {
              p.destroyForcibly();
              p.onExit().join();
            });
  }

  @Override
  public void restart(int index) {
    kill(index);
    launch(index);
  }

  @Override
  public int addWithoutCustomNodes() {
    try {
      extraArgs.add("--disable-all-custom-nodes");
      urls.add(URI.create("http://127.0.0.1:" + freePort()));
      pids.add(-1L);
      launch(urls.size() - 1);
      return urls.size() - 1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void reviveAll() {
    if (own) {
      return;
    }
    for (int i = 0; i < urls.size(); i++) {
      if (!ProcessHandle.of(pids.get(i)).map(ProcessHandle::isAlive).orElse(false)) {
        launch(i);
      }
    }
  }

  /** The log of server {@code index}, for a failure's message. */
  public String log(int index) {
    try {
      return Files.readString(home.resolve("comfyui-" + index).resolve("comfyui.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (!own) {
      for (int i = 0; i < urls.size(); i++) {
        ProcessHandle.of(pids.get(i)).ifPresent(ProcessHandle::destroy);
      }
    }
  }
}
