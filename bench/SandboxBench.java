import dev.kino.engines.EngineResult;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Reporter;
import dev.kino.engines.sandbox.SandboxEngine;
import dev.kino.network.AddressPolicy;
import dev.kino.inputs.InputFiles;
import dev.kino.inputs.UrlFetcher;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sandbox speed (run with bench/sandbox.sh): in one run on one machine, the sandbox rendering the default pro
 * request (16:9, 5 s, 1080p, sound) against the ffmpeg command line encoding a synthetic 1920x1080 24 fps 5 s
 * clip with the same codec, preset, threads and audio settings; frames per second at 720p and 1080p; peak heap
 * while rendering 15 s of 1080p. Prints figures; asserts nothing.
 */
public class SandboxBench {
  static final JsonMapper JSON = JsonMapper.shared();
  static final SandboxEngine ENGINE = new SandboxEngine(
      InputFiles.fetchingOnly(new UrlFetcher(new AddressPolicy(List.of()))));

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    String seedPrompt = JSON.readTree(Files.readString(Path.of("models/kling/kling-3.0/pro/text-to-video.json")))
        .at("/input_schema/properties/prompt/default").asString();
    ObjectNode pro = input(seedPrompt, 5, "16:9", true);
    render("kling/kling-3.0/pro/text-to-video", "pro", pro); // warm-up: JIT and FFmpeg's first load

    List<Double> cli = new ArrayList<>();
    List<Double> sandbox = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      cli.add(ffmpegCli());
      sandbox.add(render("kling/kling-3.0/pro/text-to-video", "pro", pro));
    }
    double cliMedian = median(cli);
    double sandboxMedian = median(sandbox);
    System.out.printf(Locale.ROOT, "default pro request (1080p 16:9, 5 s, audio), median of %d:%n", runs);
    System.out.printf(Locale.ROOT, "  ffmpeg CLI (testsrc2 + sine, libx264 veryfast crf 23 threads 2, aac 128k): %6.2f s%n", cliMedian);
    System.out.printf(Locale.ROOT, "  sandbox engine (the seed example prompt: camera move, sound layers, caption) : %6.2f s%n", sandboxMedian);
    System.out.printf(Locale.ROOT, "  ratio sandbox / CLI: %.2fx (target <= 1.5x)%n", sandboxMedian / cliMedian);

    for (String[] tier : new String[][] {{"standard", "kling/kling-3.0/standard/text-to-video"}, {"pro", "kling/kling-3.0/pro/text-to-video"}}) {
      ObjectNode tenSeconds = input("frames per second check, slow pan over waves", 10, "16:9", false);
      double seconds = render(tier[1], tier[0], tenSeconds);
      System.out.printf(Locale.ROOT, "  %-8s %s: %5.1f frames/s (240 frames, no audio)%n", tier[0], tier[0].equals("pro") ? "1080p" : " 720p", 240 / seconds);
    }

    System.gc();
    List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);
    long[] sampledPeak = {0};
    Thread sampler = Thread.ofPlatform().daemon().start(() -> {
      Runtime rt = Runtime.getRuntime();
      while (!Thread.currentThread().isInterrupted()) {
        sampledPeak[0] = Math.max(sampledPeak[0], rt.totalMemory() - rt.freeMemory());
        try { Thread.sleep(5); } catch (InterruptedException e) { return; }
      }
    });
    render("kling/kling-3.0/pro/text-to-video", "pro", input(seedPrompt, 15, "16:9", true));
    sampler.interrupt();
    long poolPeaks = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    System.out.printf(Locale.ROOT, "peak heap while rendering 15 s of 1080p with audio: %d MB sampled used, %d MB sum of pool peaks (upper bound); -Xmx%d MB%n",
        sampledPeak[0] >> 20, poolPeaks >> 20, Runtime.getRuntime().maxMemory() >> 20);
  }

  static ObjectNode input(String prompt, int duration, String aspect, boolean sound) {
    ObjectNode input = JSON.createObjectNode();
    input.put("prompt", prompt);
    input.put("duration", duration);
    input.put("aspect_ratio", aspect);
    input.put("cfg_scale", 0.5);
    input.put("sound", sound);
    input.put("shot_type", "customize");
    input.put("seed", 7);
    return input;
  }

  static double render(String model, String tier, ObjectNode input) throws Exception {
    Path work = Files.createTempDirectory("kino-bench-sandbox-");
    ObjectNode settings = JSON.createObjectNode();
    settings.put("tier", tier);
    long t = System.nanoTime();
    EngineResult result = ENGINE.run(EngineTask.simple("bench", model, input, settings, 1, work), Reporter.ignoring());
    double seconds = (System.nanoTime() - t) / 1e9;
    for (var file : result.files()) {
      Files.delete(file.path());
    }
    Files.delete(work);
    return seconds;
  }

  static double ffmpegCli() throws Exception {
    Path out = Files.createTempFile("kino-bench-cli-", ".mp4");
    long t = System.nanoTime();
    Process p = new ProcessBuilder("ffmpeg", "-y", "-loglevel", "error",
        "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=24",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
        "-t", "5", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-threads", "2",
        "-c:a", "aac", "-b:a", "128k", "-ac", "2", "-movflags", "+faststart", out.toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("ffmpeg failed");
    }
    double seconds = (System.nanoTime() - t) / 1e9;
    Files.delete(out);
    return seconds;
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
