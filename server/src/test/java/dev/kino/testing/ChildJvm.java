package dev.kino.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The command that starts Kino's main class in a child JVM, from a class cache made once per build.
 *
 * <p>The suite starts some hundred and fifty Kino processes, and a cold JVM took 4.6 s to load the
 * eight thousand classes of {@code kino serve} (2.3 s from the cache, measured on a 2-core
 * machine): most of a process test's time, and CPU taken from the other test fork. The cache is JDK
 * 25's AOT cache ({@code -XX:AOTCache}), or a CDS archive on JDK 21 to 24; both hold classes from
 * jars only, so Kino's own classes go into a jar first. A cache that cannot be made is not used:
 * the children start as before, only slower.
 */
final class ChildJvm {
  private static final Path DIR =
      Path.of(System.getProperty("user.dir")).resolve("target/child-jvm");
  private static final String MAIN = "dev.kino.Kino";
  private static final boolean AOT = Runtime.version().feature() >= 25;
  private static List<String> prefix;

  private ChildJvm() {}

  /** {@code java <flags> -cp <class path> dev.kino.Kino}, to which a test adds Kino's arguments. */
  static synchronized List<String> command() {
    if (prefix == null) {
      prefix = prepare();
    }
    return prefix;
  }

  private static List<String> prepare() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> plain = flags(java, System.getProperty("java.class.path"));
    try {
      Files.createDirectories(DIR);
      try (FileChannel channel =
              FileChannel.open(
                  DIR.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) { // the other test fork may be making the same cache
        String classPath = jarsOnly();
        String key = sha256(Runtime.version() + "\n" + stamps(classPath));
        Path cache = DIR.resolve("kino-" + key + (AOT ? ".aot" : ".jsa"));
        if (!Files.exists(cache) && !Files.exists(DIR.resolve("failed-" + key))) {
          train(java, classPath, cache, key);
        }
        if (!Files.exists(cache)) {
          return plain;
        }
        List<String> cached = new ArrayList<>(flags(java, classPath));
        cached.add(1, (AOT ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + cache);
        return List.copyOf(cached);
      }
    } catch (IOException e) {
      System.err.println("ChildJvm: no class cache for child JVMs (" + e + ")");
      return plain;
    }
  }

  /**
   * The JVM's own warnings go to stderr, not stdout as by default: a cache the JVM cannot use says
   * so there, and a test that reads a command's stdout (its JSON, say) would read that too.
   */
  private static List<String> flags(String java, String classPath) {
    return List.of(
        java,
        "-Xlog:disable",
        "-Xlog:all=warning:stderr",
        "--enable-native-access=ALL-UNNAMED",
        "-Xmx512m",
        "-cp",
        classPath,
        MAIN);
  }

  /**
   * The test's class path with Kino's compiled classes as a jar (named by their content, so a
   * rebuild makes a new one) and no other directory: the caches refuse a class path with one.
   */
  private static String jarsOnly() throws IOException {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry);
      if (!Files.isDirectory(path)) {
        entries.add(entry);
      } else if (path.endsWith(Path.of("target", "classes"))) {
        entries.add(jar(path).toString());
      } // test classes: a child runs Kino alone
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  private static Path jar(Path classes) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(classes)) {
      files = walk.filter(p -> !p.equals(classes)).sorted().toList();
    }
    MessageDigest digest = digest();
    for (Path file : files) {
      digest.update(classes.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
      if (Files.isRegularFile(file)) {
        digest.update(Files.readAllBytes(file));
      }
    }
    Path jar = DIR.resolve("kino-classes-" + HexFormat.of().formatHex(digest.digest()) + ".jar");
    if (Files.exists(jar)) {
      return jar;
    }
    Path partial = Files.createTempFile(DIR, "classes-", ".jar.partial");
    try (OutputStream out = Files.newOutputStream(partial);
        JarOutputStream zip = new JarOutputStream(out)) {
      for (Path file : files) {
        // Directories too, as Maven's jar has them: Kino lists its built-in models/ by directory.
        String name = classes.relativize(file).toString().replace('\\', '/');
        boolean directory = Files.isDirectory(file);
        zip.putNextEntry(new JarEntry(directory ? name + "/" : name));
        if (!directory) {
          Files.copy(file, zip);
        }
        zip.closeEntry();
      }
    }
    return Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * One {@code kino serve} started to its health check and stopped with SIGTERM records the
   * classes; the JVM writes the cache as it exits.
   */
  private static void train(String java, String classPath, Path cache, String key)
      throws IOException {
    Path partial = DIR.resolve("training-" + key + (AOT ? ".aot" : ".jsa"));
    Files.deleteIfExists(partial);
    Path data = Files.createTempDirectory("kino-child-jvm-");
    Path log = DIR.resolve("training-" + key + ".log");
    List<String> command = new ArrayList<>(flags(java, classPath));
    command.add(1, (AOT ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + partial);
    command.addAll(List.of("serve", "--data-dir", data.toString(), "--port", "0"));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("KINO_ADMIN_KEY", TestServer.ADMIN_KEY);
    builder.environment().remove("KINO_STDERR_TTY");
    Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      boolean listening = false;
      while (process.isAlive() && System.nanoTime() < deadline && !listening) {
        Thread.sleep(100);
        listening = Files.readString(log).contains("Kino is listening");
      }
      process.destroy();
      if (process.waitFor(120, TimeUnit.SECONDS) && listening && Files.exists(partial)) {
        Files.move(partial, cache, StandardCopyOption.ATOMIC_MOVE);
      } else {
        process.destroyForcibly();
        Files.writeString(DIR.resolve("failed-" + key), Files.readString(log));
        System.err.println("ChildJvm: the class cache was not made; see " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** Each entry with its size and time: a cache is valid only for the very jars it was made of. */
  private static String stamps(String classPath) throws IOException {
    StringBuilder stamps = new StringBuilder();
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      Path path = Path.of(entry);
      stamps.append(entry).append(' ');
      if (Files.exists(path)) {
        stamps.append(Files.size(path)).append(' ').append(Files.getLastModifiedTime(path));
      }
      stamps.append('\n');
    }
    return stamps.toString();
  }

  private static String sha256(String text) {
    return HexFormat.of().formatHex(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
