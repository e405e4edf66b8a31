package dev.kino.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import dev.kino.config.Credentials;
import dev.kino.config.Role;
import dev.kino.media.MediaProbe;
import dev.kino.storage.UrlSigner;
import dev.kino.testing.Api;
import dev.kino.testing.Images;
import dev.kino.testing.PostgresServer;
import dev.kino.testing.S3Server;
import dev.kino.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Outputs and uploads in an S3-compatible bucket ({@code --storage s3://...}; {@link S3Server}
 * stands in for S3): the result's URL is the store's presigned URL, a node other than the one that
 * ran the job serves the same result, Kino's own /files links redirect to the store, and an
 * uploaded input reaches the engine of another node.
 */
class S3StorageEndToEndTest {
  static final String T2V = "kling/kling-3.0/standard/text-to-video";
  static final String I2V = "kling/kling-3.0/standard/image-to-video";
  static final Duration WAIT = Duration.ofSeconds(60);

  @Test
  void outputs_live_in_the_bucket_and_any_node_serves_them_with_presigned_urls() throws Exception {
    S3Server s3 = S3Server.shared();
    URI bucket = s3.newBucket();
    String database = PostgresServer.shared().newDatabase();
    Credentials aws = Credentials.of(s3.environment());
    try (TestServer api =
            TestServer.start(
                s ->
                    s.withDatabase(database)
                        .withStorage(bucket)
                        .withCredentials(aws)
                        .withRole(Role.API));
        TestServer worker =
            TestServer.start(
                s ->
                    s.withDatabase(database)
                        .withStorage(bucket)
                        .withCredentials(aws)
                        .withRole(Role.WORKERS)
                        .withWorkers(1))) {
      Api client = api.api();
      String start =
          client
              .uploadMultipart("start.png", Images.encode(Images.quadrants(320, 240), "png"))
              .body()
              .path("url")
              .asString();
      String id =
          client.submitOk(
              I2V, "{\"prompt\": \"p\", \"duration\": 3, \"start_image_url\": \"" + start + "\"}");

      JsonNode done = client.awaitState(id, WAIT, "completed", "failed");

      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("completed");
      assertThat(api.dataDir().resolve("cache/store/uploads"))
          .as("the API node checked the upload without copying it")
          .doesNotExist();
      assertThat(worker.dataDir().resolve("cache/store/uploads"))
          .as("the worker's engine read it from its cache")
          .isDirectory();
      String video = client.result(id).body().at("/output/video").asString();
      assertThat(video)
          .as("a presigned URL of the store")
          .startsWith(s3.endpoint() + "/")
          .contains("X-Amz-Signature");
      assertThat(MediaProbe.probe(Api.downloadToFile(video)).durationSeconds())
          .isCloseTo(3.0, offset(0.1));
      String key = URI.create(video).getPath().replaceFirst("^/[^/]+/outputs/", "");
      try (var listing = s3.client()) {
        assertThat(listing.listObjectsV2(l -> l.bucket(bucket.getHost())).contents())
            .anySatisfy(o -> assertThat(o.key()).isEqualTo("outputs/" + key));
      }
    }
  }

  @Test
  void kinos_own_file_links_redirect_to_the_store() throws Exception {
    S3Server s3 = S3Server.shared();
    URI bucket = s3.newBucket();
    try (TestServer node =
        TestServer.start(
            s ->
                s.withStorage(bucket)
                    .withCredentials(Credentials.of(s3.environment()))
                    .withWorkers(1))) {
      Api client = node.api();
      String id = client.submitOk(T2V, "{\"prompt\": \"p\", \"duration\": 3}");
      client.awaitState(id, WAIT, "completed", "failed");
      String key =
          URI.create(client.result(id).body().at("/output/video").asString())
              .getPath()
              .replaceFirst("^/[^/]+/outputs/", "");
      String signed = client.base() + "/files/" + key + "?" + signedQuery(node, key);

      HttpResponse<Void> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(signed)).build(),
                  HttpResponse.BodyHandlers.discarding());

      assertThat(answer.statusCode()).isEqualTo(302);
      assertThat(answer.headers().firstValue("Location").orElseThrow()).startsWith(s3.endpoint());
    }
  }

  /** A /files link as Kino signs them (the data directory's key: this node is on SQLite). */
  private static String signedQuery(TestServer node, String key) {
    return UrlSigner.forDataDir(node.dataDir()).query(key, Instant.now().plusSeconds(60));
  }
}
