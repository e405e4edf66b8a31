package dev.kino.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * An S3-compatible server for tests: s3proxy (from Maven Central, copied to {@code target/s3proxy}
 * by the build) with its filesystem backend, as a process of its own on a free loopback port,
 * started once per test JVM and stopped when it exits. It stands in for AWS S3, MinIO or Ceph: Kino
 * speaks to it with the AWS SDK, path-style, and clients fetch outputs from it with presigned URLs.
 * Each test takes a fresh bucket.
 */
public final class S3Server {
  public static final String ACCESS_KEY = "kino-test-access";
  public static final String SECRET_KEY = "kino-test-secret-0123456789";
  private static final AtomicInteger BUCKETS = new AtomicInteger();
  private static S3Server shared;

  private final Process process;
  private final int port;

  private S3Server(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static synchronized S3Server shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared.process::destroyForcibly));
    }
    return shared;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The AWS variables a Kino node reads to reach this server. */
  public Map<String, String> environment() {
    return Map.of(
        "AWS_ENDPOINT_URL",
        endpoint(),
        "AWS_REGION",
        "us-east-1",
        "AWS_ACCESS_KEY_ID",
        ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY",
        SECRET_KEY);
  }

  /** A new, empty bucket; its location as Kino's {@code --storage} takes it. */
  public URI newBucket() {
    String bucket = "kino-test-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
    try (S3Client s3 = client()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
    return URI.create("s3://" + bucket + "/outputs");
  }

  /** A client of this server, for tests that look into the bucket. */
  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  private static S3Server start() {
    Path jar = Path.of(System.getProperty("user.dir")).resolve("target/s3proxy/s3proxy.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: the build copies s3proxy there (mvn process-test-resources)");
    }
    try {
      Path dir = Files.createTempDirectory("kino-s3-");
      int port = KinoProcess.freePort();
      Path properties = dir.resolve("s3proxy.properties");
      Files.writeString(
          properties,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + port,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=" + Files.createDirectories(dir.resolve("data")),
              ""));
      String java = ProcessHandle.current().info().command().orElse("java");
      Process process =
          new ProcessBuilder(
                  java, "-Xmx512m", "-jar", jar.toString(), "--properties", properties.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("s3proxy.log").toFile())
              .start();
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "s3proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
        }
        try (Socket probe = new Socket("127.0.0.1", port)) {
          return new S3Server(process, port);
        } catch (IOException notYet) {
          Thread.sleep(200);
        }
      }
      process.destroyForcibly();
      throw new IllegalStateException(
          "s3proxy did not start within a minute: " + Files.readString(dir.resolve("s3proxy.log")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
