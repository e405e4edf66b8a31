package dev.kino.storage;

import dev.kino.config.Credentials;
import dev.kino.media.FileType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Files in an S3-compatible bucket ({@code s3://bucket/prefix}), shared by a cluster's nodes:
 * whichever node stored an output, any node can serve it, and clients fetch it straight from the
 * store with a presigned URL. Endpoint, region and keys come from the usual AWS variables ({@code
 * AWS_ENDPOINT_URL}, {@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY};
 * without keys, the SDK's default chain). Files go up from disk, large ones in parts, so a video is
 * never held in memory; a file a node needs on disk (an uploaded input for an engine) is downloaded
 * once into its cache, and swept from there when unused for a while.
 */
public final class S3FileStore implements FileStore, AutoCloseable {
  /** Above this size a file goes up as a multipart upload, one part at a time. */
  static final long PART_BYTES = 16L * 1024 * 1024;

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final String prefix;
  private final Path cache;
  private final Clock clock;

  private S3FileStore(
      S3Client s3, S3Presigner presigner, String bucket, String prefix, Path cache, Clock clock) {
    this.s3 = s3;
    this.presigner = presigner;
    this.bucket = bucket;
    this.prefix = prefix;
    this.cache = cache;
    this.clock = clock;
  }

  /**
   * Opens {@code s3://bucket/prefix} and checks the bucket answers; {@code cache} holds local
   * copies, their last use timed by {@code clock}.
   */
  public static S3FileStore open(URI location, Credentials env, Path cache, Clock clock) {
    if (!"s3".equals(location.getScheme()) || location.getHost() == null) {
      throw new IllegalArgumentException("--storage takes s3://bucket/prefix, got " + location);
    }
    String prefix = location.getPath() == null ? "" : location.getPath().replaceAll("^/+|/+$", "");
    Region region =
        Region.of(
            env.find("AWS_REGION").or(() -> env.find("AWS_DEFAULT_REGION")).orElse("us-east-1"));
    Optional<URI> endpoint =
        env.find("AWS_ENDPOINT_URL_S3").or(() -> env.find("AWS_ENDPOINT_URL")).map(URI::create);
    AwsCredentialsProvider keys =
        env.find("AWS_ACCESS_KEY_ID")
            .<AwsCredentialsProvider>flatMap(
                id ->
                    env.find("AWS_SECRET_ACCESS_KEY")
                        .map(
                            secret ->
                                StaticCredentialsProvider.create(
                                    AwsBasicCredentials.create(id, secret))))
            .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    // Path-style addressing: what S3-compatible servers (MinIO, Ceph, s3proxy) expect, and what AWS
    // still takes.
    S3Configuration pathStyle = S3Configuration.builder().pathStyleAccessEnabled(true).build();
    var client =
        S3Client.builder().region(region).credentialsProvider(keys).serviceConfiguration(pathStyle);
    var presign =
        S3Presigner.builder()
            .region(region)
            .credentialsProvider(keys)
            .serviceConfiguration(pathStyle);
    endpoint.ifPresent(
        uri -> {
          client.endpointOverride(uri);
          presign.endpointOverride(uri);
        });
    S3FileStore store =
        new S3FileStore(client.build(), presign.build(), location.getHost(), prefix, cache, clock);
    try {
      store.s3.headBucket(b -> b.bucket(store.bucket));
    } catch (SdkException e) {
      store.close();
      throw new IllegalStateException(
          "the bucket "
              + store.bucket
              + " cannot be reached"
              + endpoint.map(u -> " at " + u).orElse("")
              + ": "
              + e.getMessage(),
          e);
    }
    return store;
  }

  @Override
  public void put(String key, Path source) throws IOException {
    String object = object(key);
    long size = Files.size(source);
    try {
      if (size <= PART_BYTES) {
        s3.putObject(
            p -> p.bucket(bucket).key(object).contentType(FileType.contentTypeOf(key)),
            RequestBody.fromFile(source));
      } else {
        putInParts(object, key, source, size);
      }
    } catch (SdkException e) {
      throw new IOException(
          "cannot store " + key + " in s3://" + bucket + ": " + e.getMessage(), e);
    }
  }

  /** A multipart upload read from disk one part at a time; abandoned parts are aborted. */
  private void putInParts(String object, String key, Path source, long size) throws IOException {
    String upload =
        s3.createMultipartUpload(
                c -> c.bucket(bucket).key(object).contentType(FileType.contentTypeOf(key)))
            .uploadId();
    try (InputStream in = Files.newInputStream(source)) {
      List<CompletedPart> parts = new ArrayList<>();
      long left = size;
      for (int number = 1; left > 0; number++) {
        long length = Math.min(PART_BYTES, left);
        int n = number;
        String etag =
            s3.uploadPart(
                    u ->
                        u.bucket(bucket)
                            .key(object)
                            .uploadId(upload)
                            .partNumber(n)
                            .contentLength(length),
                    RequestBody.fromInputStream(BoundedInputStream.part(in, length), length))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        left -= length;
      }
      s3.completeMultipartUpload(
          c -> c.bucket(bucket).key(object).uploadId(upload).multipartUpload(m -> m.parts(parts)));
    } catch (IOException | SdkException e) {
      s3.abortMultipartUpload(a -> a.bucket(bucket).key(object).uploadId(upload));
      throw e;
    }
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      s3.deleteObject(d -> d.bucket(bucket).key(object(key)));
      Files.deleteIfExists(cached(key));
    } catch (SdkException e) {
      throw new IOException(
          "cannot delete " + key + " from s3://" + bucket + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> keys(String prefix) throws IOException {
    String folder = object(prefix) + "/";
    try {
      List<String> keys = new ArrayList<>();
      s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(folder))
          .contents()
          .forEach(
              o ->
                  keys.add(
                      o.key().substring(this.prefix.isEmpty() ? 0 : this.prefix.length() + 1)));
      return keys;
    } catch (SdkException e) {
      throw new IOException(
          "cannot list " + folder + " in s3://" + bucket + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean exists(String key) {
    return head(key).isPresent();
  }

  /** The file on this node's disk, downloaded from the bucket on first use. */
  @Override
  public Optional<StoredFile> find(String key) {
    Optional<HeadObjectResponse> head = head(key);
    if (head.isEmpty()) {
      return Optional.empty();
    }
    long size = head.get().contentLength();
    try {
      Path local = cached(key);
      if (!Files.isRegularFile(local) || Files.size(local) != size) {
        Files.createDirectories(local.getParent());
        Path partial =
            local.resolveSibling(
                ".download-" + UUID.randomUUID() + ".partial"); // the SDK creates it
        s3.getObject(g -> g.bucket(bucket).key(object(key)), ResponseTransformer.toFile(partial));
        Files.move(
            partial, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      }
      // The last use, on this store's clock: the cache sweep keeps what was used lately.
      Files.setLastModifiedTime(local, FileTime.from(clock.instant()));
      return Optional.of(new StoredFile(local, size, FileType.contentTypeOf(key)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The object's metadata, when the key is valid and the object exists. */
  private Optional<HeadObjectResponse> head(String key) {
    if (!FileStore.isValidKey(key)) {
      return Optional.empty();
    }
    try {
      return Optional.of(s3.headObject(h -> h.bucket(bucket).key(object(key))));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Removes cached copies not used for {@code unused}, then, while the rest take more than {@code
   * maxBytes}, the least recently used (the bucket keeps the files; a later use downloads again). A
   * copy used in the last minute stays whatever the cap: an engine may be about to open it. Returns
   * how many it removed.
   */
  public int sweepCache(Duration unused, long maxBytes) throws IOException {
    if (!Files.isDirectory(cache)) {
      return 0;
    }
    Instant now = clock.instant();
    record Copy(Path path, Instant used, long size) {}
    List<Copy> copies = new ArrayList<>();
    try (Stream<Path> files = Files.walk(cache)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        copies.add(new Copy(file, Files.getLastModifiedTime(file).toInstant(), Files.size(file)));
      }
    }
    copies.sort(Comparator.comparing(Copy::used));
    long total = copies.stream().mapToLong(Copy::size).sum();
    int removed = 0;
    for (Copy copy : copies) {
      boolean stale = copy.used().isBefore(now.minus(unused));
      boolean over = total > maxBytes && copy.used().isBefore(now.minus(IN_USE));
      if ((stale || over) && Files.deleteIfExists(copy.path())) {
        removed++;
        total -= copy.size();
      }
    }
    return removed;
  }

  /** How recently used a copy must be to stay although the cache is over its cap. */
  private static final Duration IN_USE = Duration.ofMinutes(1);

  @Override
  public Optional<URI> directUrl(String key, Duration ttl) {
    return Optional.of(
        URI.create(
            presigner
                .presignGetObject(
                    p ->
                        p.signatureDuration(ttl)
                            .getObjectRequest(g -> g.bucket(bucket).key(object(key))))
                .url()
                .toString()));
  }

  private String object(String key) {
    if (!FileStore.isValidKey(key)) {
      throw new IllegalArgumentException("not a storage key: " + key);
    }
    return prefix.isEmpty() ? key : prefix + "/" + key;
  }

  private Path cached(String key) {
    return cache.resolve(key).normalize();
  }

  @Override
  public void close() {
    presigner.close();
    s3.close();
  }
}
