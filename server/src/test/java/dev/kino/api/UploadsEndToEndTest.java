package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.database.SqliteDatabase;
import dev.kino.keys.KeyStore;
import dev.kino.media.MediaProbe;
import dev.kino.testing.Api;
import dev.kino.testing.Images;
import dev.kino.testing.TestServer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Upload-then-use, end to end over HTTP: {@code POST /v1/files} (multipart and raw), then the
 * returned URL in every file field of the seed image-to-video model. (The two text-to-video seed
 * models take no files.) The server allows no private address for fetching, so the jobs succeeding
 * proves uploads are read from storage, never fetched back over the network from the server's own
 * loopback address.
 */
class UploadsEndToEndTest {
  static final String I2V = "kling/kling-3.0/standard/image-to-video";
  static final Duration RENDER = Duration.ofSeconds(60);
  static TestServer server;
  static Api api;
  static SqliteDatabase db;

  @BeforeAll
  static void start() {
    server = TestServer.start(s -> s.withFetchAllow(List.of()).withWorkers(1));
    api = server.api();
    db = SqliteDatabase.open(server.dataDir());
  }

  @AfterAll
  static void stop() {
    db.close();
    server.close();
  }

  @Test
  void a_multipart_upload_is_described_listed_and_downloadable_by_its_owner() {
    byte[] png = Images.encode(Images.quadrants(64, 48), "png");

    var created = api.uploadMultipart("my photo (1).png", png);

    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    JsonNode file = created.body();
    String id = file.path("file_id").asString();
    assertThat(file.path("url").asString()).isEqualTo(api.base() + "/v1/files/" + id + "/content");
    assertThat(file.path("filename").asString()).isEqualTo("my_photo__1_.png");
    assertThat(file.path("content_type").asString()).isEqualTo("image/png");
    assertThat(file.path("bytes").asLong()).isEqualTo(png.length);
    assertThat(Instant.parse(file.path("expires_at").asString()))
        .isAfter(Instant.parse(file.path("created_at").asString()).plus(Duration.ofDays(6)));
    assertThat(api.get("/v1/files/" + id).body().path("sha256").asString())
        .isEqualTo(file.path("sha256").asString());
    assertThat(api.get("/v1/files").body().path("files").toString()).contains(id);
    var content = api.getBytes("/v1/files/" + id + "/content");
    assertThat(content.statusCode()).isEqualTo(200);
    assertThat(content.headers().firstValue("Content-Type")).hasValue("image/png");
    assertThat(content.body()).isEqualTo(png);
  }

  @Test
  void uploaded_files_work_in_every_file_field_of_image_to_video() throws Exception {
    String start =
        uploadOk(
            api.uploadMultipart("start.png", Images.encode(Images.quadrants(640, 360), "png")));
    String face =
        uploadOk(api.uploadRaw("?filename=face.jpg", Images.encode(solid(Color.ORANGE), "jpg")));
    String side =
        uploadOk(api.uploadRaw("?filename=side.webp", Images.encode(solid(Color.CYAN), "webp")));
    String motion = uploadOk(api.uploadMultipart("motion.mp4", Images.twoSecondVideo()));

    String id =
        api.submitOk(
            I2V,
            "{\"prompt\": \"slow dolly-in\", \"duration\": 3, \"generate_audio\": false, \"start_image_url\": \""
                + start
                + "\","
                + " \"elements\": [{\"frontal_image_url\": \""
                + face
                + "\", \"reference_image_urls\": [\""
                + side
                + "\"], \"video_url\": \""
                + motion
                + "\"}]}");
    JsonNode result = api.awaitState(id, RENDER, "completed", "failed");

    assertThat(result.path("status").asString()).as(result.toString()).isEqualTo("completed");
    assertThat(result.at("/metadata/engine/elements/0/images").asInt()).isEqualTo(2);
    assertThat(result.at("/metadata/engine/elements/0/video/duration_s").asDouble())
        .isBetween(1.9, 2.1);
    Path video = Api.downloadToFile(result.at("/output/video").asString());
    BufferedImage first = MediaProbe.frame(video, 0);
    Color topLeft = new Color(first.getRGB(first.getWidth() / 4, first.getHeight() / 4));
    assertThat(topLeft.getRed())
        .as("top-left quadrant of the uploaded start image is red")
        .isGreaterThan(170);
    assertThat(topLeft.getGreen()).isLessThan(80);
  }

  @Test
  void a_small_image_inline_as_a_data_uri_works_as_an_input() {
    String dataUri =
        "data:image/png;base64,"
            + Base64.getEncoder().encodeToString(Images.encode(Images.quadrants(320, 180), "png"));

    String id =
        api.submitOk(
            I2V,
            "{\"prompt\": \"p\", \"duration\": 3, \"generate_audio\": false, \"start_image_url\": \""
                + dataUri
                + "\"}");

    assertThat(api.awaitState(id, RENDER, "completed", "failed").path("status").asString())
        .isEqualTo("completed");
  }

  @Test
  void bad_data_uris_are_refused_at_submit_naming_the_field() {
    String tooBig =
        "data:image/png;base64," + Base64.getEncoder().encodeToString(new byte[3 * 1024 * 1024]);
    String notAnImage =
        "data:image/png;base64," + Base64.getEncoder().encodeToString("<html>".getBytes());
    for (String[] c :
        new String[][] {
          {"data:image/png;base64,@@@", "invalid_url"},
          {"data:image/png,plain", "invalid_url"},
          {tooBig, "too_large"},
          {notAnImage, "unsupported_format"}
        }) {
      var answer = api.submit(I2V, "{\"prompt\": \"p\", \"start_image_url\": \"" + c[0] + "\"}");

      assertThat(answer.status()).isEqualTo(422);
      assertThat(answer.body().at("/detail/errors/0/path").asString()).isEqualTo("start_image_url");
      assertThat(answer.body().at("/detail/errors/0/code").asString()).isEqualTo(c[1]);
      assertThat(answer.body().toString()).hasSizeLessThan(2000);
    }
  }

  @Test
  void another_key_can_neither_see_nor_use_an_upload() {
    String url =
        uploadOk(api.uploadMultipart("mine.png", Images.encode(Images.quadrants(64, 64), "png")));
    String id = url.replaceAll(".*/v1/files/([^/]+)/content", "$1");
    Api bob = server.api(new KeyStore(db).create("bob", false, Instant.now()).plaintext());

    assertThat(bob.get("/v1/files/" + id).status()).isEqualTo(404);
    assertThat(bob.getBytes("/v1/files/" + id + "/content").statusCode()).isEqualTo(404);
    assertThat(bob.delete("/v1/files/" + id).status()).isEqualTo(404);
    var submit = bob.submit(I2V, "{\"prompt\": \"p\", \"start_image_url\": \"" + url + "\"}");
    assertThat(submit.status()).isEqualTo(422);
    assertThat(submit.body().at("/detail/errors/0/code").asString()).isEqualTo("file_not_found");
  }

  @Test
  void a_deleted_upload_is_gone_for_reads_and_for_new_requests() {
    String url =
        uploadOk(api.uploadMultipart("gone.png", Images.encode(Images.quadrants(64, 64), "png")));
    String id = url.replaceAll(".*/v1/files/([^/]+)/content", "$1");

    assertThat(api.delete("/v1/files/" + id).body().path("deleted").asBoolean()).isTrue();

    assertThat(api.get("/v1/files/" + id).status()).isEqualTo(404);
    // No longer an upload of this server: the URL is treated as any other, and loopback is not
    // allowed here.
    assertThat(
            api.submit(I2V, "{\"prompt\": \"p\", \"start_image_url\": \"" + url + "\"}")
                .body()
                .at("/detail/errors/0/code")
                .asString())
        .isEqualTo("url_forbidden");
  }

  @Test
  void uploads_that_are_not_media_or_too_large_are_refused_with_the_reason() throws Exception {
    var text = api.uploadMultipart("notes.png", "just text, whatever the name says".getBytes());
    var empty = api.uploadRaw("", new byte[0]);
    var bomb = api.uploadRaw("?filename=bomb.png", Images.pngHeaderOnly(20_000, 20_000));
    byte[] hugePng = new byte[51 * 1024 * 1024];
    System.arraycopy(Images.encode(Images.quadrants(8, 8), "png"), 0, hugePng, 0, 8);
    var huge = api.uploadRaw("?filename=huge.png", hugePng);

    assertThat(text.status()).isEqualTo(415);
    assertThat(text.body().path("detail").path("reason").asString())
        .isEqualTo("unsupported_format");
    assertThat(empty.status()).isEqualTo(422);
    assertThat(bomb.status()).isEqualTo(413);
    assertThat(bomb.body().toString()).contains("20000x20000");
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.body().at("/detail/errors/0/path").asString()).isEqualTo("file");
    try (var spool = Files.list(server.dataDir().resolve("tmp").resolve("uploads"))) {
      assertThat(spool.toList()).isEmpty();
    }
  }

  @Test
  void a_multipart_body_over_100_mb_is_a_413_and_a_broken_one_a_400() {
    byte[] huge = new byte[101 * 1024 * 1024];
    System.arraycopy(Images.encode(Images.quadrants(8, 8), "png"), 0, huge, 0, 8);

    var tooLarge = api.uploadMultipart("huge.png", huge);
    var broken = api.post("/v1/files", "multipart/form-data; boundary=zz", "no parts here");

    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.body().path("detail").path("reason").asString()).isEqualTo("too_large");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.body().path("detail").path("reason").asString())
        .isEqualTo("malformed_multipart");
  }

  private static String uploadOk(Api.Answer answer) {
    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(201);
    return answer.body().path("url").asString();
  }

  private static BufferedImage solid(Color color) {
    BufferedImage image = new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 200, 200);
    g.dispose();
    return image;
  }
}
