package dev.kino.engines.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.engines.EngineResult;
import dev.kino.engines.EngineTask;
import dev.kino.engines.OutputFile;
import dev.kino.inputs.InputFiles;
import dev.kino.inputs.UrlFetcher;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.network.AddressPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Byte identity must not depend on what else a process has done before. A long-running server
 * renders into memory that earlier jobs used, so this test renders the same requests in two fresh
 * JVMs whose C allocator fills memory with different byte patterns (glibc's {@code
 * MALLOC_PERTURB_}, with the mmap threshold raised so that large buffers come from the heap too):
 * any read of memory nobody wrote shows up as different bytes. Covers every output width the
 * sandbox uses, with and without audio. On CPUs with AVX-512 this is what caught x264's
 * macroblock-tree overread at 720 and 1080 wide (see {@code Mp4Writer.hasWholeLookaheadRows}).
 */
class SandboxDeterminismTest {
  static final Map<String, String[]> REQUESTS = new LinkedHashMap<>();

  static {
    String body =
        "{\"prompt\": \"a slow dolly-in on a lighthouse, waves and bells\", \"duration\": 3, \"aspect_ratio\": \"%s\", \"sound\": %s, \"seed\": 7}";
    REQUESTS.put(
        "standard-1x1",
        new String[] {"kling/kling-3.0/standard/text-to-video", body.formatted("1:1", true)});
    REQUESTS.put(
        "standard-9x16",
        new String[] {"kling/kling-3.0/standard/text-to-video", body.formatted("9:16", false)});
    REQUESTS.put(
        "pro-1x1",
        new String[] {"kling/kling-3.0/pro/text-to-video", body.formatted("1:1", false)});
    REQUESTS.put(
        "pro-9x16",
        new String[] {"kling/kling-3.0/pro/text-to-video", body.formatted("9:16", true)});
    REQUESTS.put(
        "standard-16x9",
        new String[] {"kling/kling-3.0/standard/text-to-video", body.formatted("16:9", true)});
  }

  @Test
  void every_output_size_is_the_same_bytes_whatever_the_memory_it_is_rendered_in(@TempDir Path dir)
      throws Exception {
    Map<String, String> first = renderInFreshJvm(dir.resolve("a"), 0x55);
    Map<String, String> second = renderInFreshJvm(dir.resolve("b"), 0xaa);

    assertThat(first).containsOnlyKeys(REQUESTS.keySet());
    assertThat(second).isEqualTo(first);
  }

  /**
   * Runs {@link #main} in a new JVM with the allocator perturbed by {@code pattern}; returns name
   * -> SHA-256.
   */
  private static Map<String, String> renderInFreshJvm(Path out, int pattern) throws Exception {
    Files.createDirectories(out);
    Path log = out.resolve("render.log");
    ProcessBuilder builder =
        new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx512m",
            "-Djava.awt.headless=true",
            "-cp",
            System.getProperty("java.class.path"),
            SandboxDeterminismTest.class.getName(),
            out.toString());
    builder.environment().put("MALLOC_PERTURB_", Integer.toString(pattern));
    builder.environment().put("MALLOC_MMAP_THRESHOLD_", Integer.toString(1 << 30));
    Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          "the render process did not finish in 5 minutes:\n" + Files.readString(log));
    }
    assertThat(process.exitValue()).as(Files.readString(log)).isZero();
    Map<String, String> hashes = new LinkedHashMap<>();
    for (String name : REQUESTS.keySet()) {
      Path video = out.resolve(name + ".mp4");
      if (Files.exists(video)) {
        hashes.put(name, sha256(video));
      }
    }
    return hashes;
  }

  /** The child process: renders every request into the directory given as the only argument. */
  public static void main(String[] args) throws Exception {
    ModelCatalog catalog = ModelCatalog.load(Optional.empty());
    InputFiles inputs = InputFiles.fetchingOnly(new UrlFetcher(new AddressPolicy(List.of())));
    SandboxEngine engine = new SandboxEngine(inputs);
    Path out = Path.of(args[0]);
    for (var request : REQUESTS.entrySet()) {
      Model model = catalog.find(request.getValue()[0]).orElseThrow();
      Path work = Files.createDirectories(out.resolve(request.getKey()));
      EngineResult result =
          engine.run(
              EngineTask.simple(
                  "determinism",
                  model.id(),
                  model.validate(JsonMapper.shared().readTree(request.getValue()[1])),
                  model.definition().engineSettings(),
                  1,
                  work),
              dev.kino.engines.Reporter.ignoring());
      Path video =
          result.files().stream()
              .filter(f -> f.field().equals("video"))
              .map(OutputFile::path)
              .findFirst()
              .orElseThrow();
      Files.move(video, out.resolve(request.getKey() + ".mp4"));
    }
    inputs.close();
  }

  private static String sha256(Path file)
      throws IOException, java.security.NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
