package dev.kino.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the real {@code kino} main class in a separate JVM, as the launcher would, on this test's
 * class path (see {@link ChildJvm}).
 */
public final class KinoProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final Path stdout;
  private volatile int port;

  private KinoProcess(Process process, Path log, Path stdout) {
    this.stdout = stdout;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code kino serve} on the data dir on a port the server picks itself ({@code --port 0};
   * a number chosen here and handed over could be taken by then) and waits until it answers its
   * health check on the port it reports.
   */
  public static KinoProcess serve(Path dataDir, String... extra) {
    return serve(true, Map.of(), dataDir, extra);
  }

  /** As {@link #serve}, with more environment variables (an upstream provider's key, say). */
  public static KinoProcess serveWith(Map<String, String> env, Path dataDir, String... extra) {
    return serve(true, env, dataDir, extra);
  }

  /** As {@link #serve}, without {@code KINO_ADMIN_KEY}, as a newcomer starts it. */
  public static KinoProcess serveWithoutAdminKey(Path dataDir) {
    return serve(false, Map.of(), dataDir, "--workers", "0");
  }

  private static final Pattern LISTENING =
      Pattern.compile("Kino is listening on http://[^:]+:(\\d+)");

  private static KinoProcess serve(
      boolean adminKey, Map<String, String> env, Path dataDir, String... extra) {
    List<String> args =
        new ArrayList<>(List.of("serve", "--data-dir", dataDir.toString(), "--port", "0"));
    args.addAll(List.of(extra));
    KinoProcess kino = start(args, "kino-serve-", adminKey, env);
    // A bound on a hang, not a measure of speed: on a CI machine whose two cores were taken by
    // another fork's cluster, a start that takes 5 s alone once took over a minute.
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      if (!kino.process.isAlive()) {
        throw new AssertionError("kino serve exited early:\n" + kino.output());
      }
      Matcher listening = LISTENING.matcher(kino.output());
      if (listening.find()) {
        kino.port = Integer.parseInt(listening.group(1));
        try {
          if (kino.api(null).get("/healthz").status() == 200) {
            return kino;
          }
        } catch (UncheckedIOException notYet) {
          // Not answering yet.
        }
      }
      sleep(100);
    }
    kino.close();
    throw new AssertionError("kino serve did not become healthy:\n" + kino.output());
  }

  /** The port a server started with {@link #serve} listens on. */
  public int port() {
    if (port == 0) {
      throw new IllegalStateException("not a server started with serve()");
    }
    return port;
  }

  /** The server's API, called with {@code key} (null: none). */
  public Api api(String key) {
    return new Api("http://127.0.0.1:" + port(), key);
  }

  /**
   * Runs a short command ({@code keys create ...}) to completion and returns its exit code and
   * output.
   */
  public static Result run(String... args) {
    return runWith(Map.of(), args);
  }

  /**
   * Runs a command to completion with extra environment variables (e.g. KINO_URL, KINO_API_KEY for
   * the user commands); stdout goes to a file, so a long output cannot fill a pipe and stall the
   * process.
   */
  public static Result runWith(Map<String, String> env, String... args) {
    KinoProcess kino = start(List.of(args), "kino-cmd-", true, env);
    try {
      if (!kino.process.waitFor(120, TimeUnit.SECONDS)) {
        kino.process.destroyForcibly();
        throw new AssertionError("kino " + String.join(" ", args) + " did not finish");
      }
      return new Result(kino.process.exitValue(), Files.readString(kino.stdout), kino.output());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts a command without waiting (e.g. kino run --wait, to be answered by another command). */
  public static KinoProcess launch(Map<String, String> env, String... args) {
    return start(List.of(args), "kino-cmd-", true, env);
  }

  /** Waits for a launched command to end. */
  public Result await(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the command did not finish within " + timeout + ":\n" + output());
      }
      return new Result(process.exitValue(), Files.readString(stdout), output());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What a finished command printed: {@code stdout} and {@code stderr} separately. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private static KinoProcess start(List<String> args, String logPrefix, boolean adminKey) {
    return start(args, logPrefix, adminKey, Map.of());
  }

  private static KinoProcess start(
      List<String> args, String logPrefix, boolean adminKey, Map<String, String> env) {
    try {
      Path log = Files.createTempFile(logPrefix, ".log");
      Path stdout = Files.createTempFile(logPrefix, ".out");
      List<String> command = new ArrayList<>(ChildJvm.command());
      command.addAll(args);
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().remove("KINO_ADMIN_KEY");
      builder.environment().remove("KINO_STDERR_TTY");
      builder.environment().putAll(env);
      if (adminKey) {
        builder.environment().put("KINO_ADMIN_KEY", TestServer.ADMIN_KEY);
      }
      if (args.getFirst().equals("serve")) {
        // One stream into the log, so lines keep their order; servers run long and must not fill a
        // pipe.
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
      } else {
        builder.redirectError(log.toFile()).redirectOutput(stdout.toFile());
      }
      return new KinoProcess(builder.start(), log, stdout);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SIGSTOP: the process freezes as a hung machine would (its leases run out); {@link #thaw}
   * resumes it.
   */
  public void freeze() {
    signal("-STOP");
  }

  /** SIGCONT after {@link #freeze}. */
  public void thaw() {
    signal("-CONT");
  }

  public long pid() {
    return process.pid();
  }

  private void signal(String which) {
    try {
      Process kill =
          new ProcessBuilder("kill", which, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + which + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM, as a service manager stops it; the exit code once it has stopped. */
  public int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("kino did not stop within 60 s of SIGTERM:\n" + output());
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no chance to tidy up. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * A port nothing listens on at the moment: for a client that must find no server there, and for
   * children that cannot report a port they picked (PostgreSQL, s3proxy), which a bind race can
   * then fail at start; Kino's own servers pick theirs with {@link #serve}.
   */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
