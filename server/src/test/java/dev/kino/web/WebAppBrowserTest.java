package dev.kino.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kino.testing.Api;
import dev.kino.testing.Browser;
import dev.kino.testing.Frames;
import dev.kino.testing.Images;
import dev.kino.testing.TestServer;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/**
 * The web app in a real browser (Debian's Chromium, headless, through Selenium): a person signs in,
 * makes a video of each seed model in its playground and watches it play, sees a refused value at
 * its field, finds the jobs in the library, runs one again, cancels one, makes a key and reads the
 * usage. No page may log a script error; every page is written as a screenshot under
 * target/screenshots.
 */
class WebAppBrowserTest {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String I2V = "kling/kling-3.0/standard/image-to-video";
  static final String PRO = "kling/kling-3.0/pro/text-to-video";
  static final Duration WAIT = Duration.ofSeconds(90);

  private static TestServer server;
  private static Browser browser;

  @BeforeAll
  static void start() {
    assumeTrue(
        Browser.available(),
        "Chromium is missing: install Debian's chromium and chromium-driver (.ci/run does)");
    server = TestServer.start(s -> s.withWorkers(2));
    browser = Browser.open(server.api().base(), 1280, 900);
    signIn(browser, TestServer.ADMIN_KEY);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void noScriptErrors() {
    assertThat(browser.consoleErrors()).as("the page's console").isEmpty();
  }

  static void signIn(Browser b, String key) {
    b.go("/");
    WebElement field = b.find("input[name=api_key]");
    assertThat(field.getAttribute("type")).isEqualTo("password");
    b.screenshot("sign-in");
    field.sendKeys(key);
    b.find("form button[type=submit]").click();
    b.find("#models");
  }

  @Test
  void a_wrong_key_is_refused_at_sign_in_and_sign_out_ends_the_session() {
    try (Browser other = Browser.open(server.api().base(), 800, 700)) {
      other.go("/library");
      other.find("input[name=api_key]").sendKeys("kino_not_a_key");
      other.find("form button[type=submit]").click();
      other.waitForText("#sign-in-error", "not valid", WAIT);

      other.type("input[name=api_key]", TestServer.ADMIN_KEY);
      other.find("form button[type=submit]").click();
      other.find("#library");
      assertThat(other.driver().getCurrentUrl())
          .as("back to the page asked for")
          .endsWith("/library");
      assertThat(other.driver().manage().getCookieNamed("kino_session").isHttpOnly()).isTrue();
      assertThat((Object) other.script("return document.cookie")).isEqualTo("");

      other.find("#sign-out").click();
      other.find("input[name=api_key]");
      other.go("/library");
      other.find("input[name=api_key]");
    }
  }

  @Test
  void the_catalogue_lists_the_seed_models_with_kind_engine_and_price() {
    browser.go("/");
    browser.find("#models .model");
    List<WebElement> models = browser.all("#models .model");
    assertThat(models).extracting(m -> m.getAttribute("data-model-id")).contains(STD, I2V, PRO);
    assertThat(browser.find("[data-model-id='" + STD + "']").getText())
        .contains("video")
        .contains("sandbox")
        .contains("$0.084")
        .contains("per second");
    browser.screenshot("catalogue");
  }

  @Test
  void each_text_to_video_seed_model_makes_a_video_that_plays_in_its_playground() {
    for (String model : List.of(STD, PRO)) {
      browser.go("/playground/" + model);
      browser.type("#field-prompt", "A lighthouse at dusk, " + model);
      browser.type("#field-duration", "3");
      new Select(browser.find("#field-aspect_ratio")).selectByValue("1:1");
      uncheck("#field-sound");
      browser.waitForText("#estimate", "$", WAIT);
      browser.find("#playground button[type=submit]").click();
      Map<?, ?> video = playedVideo();
      assertThat(((Number) video.get("duration")).doubleValue()).isBetween(2.9, 3.2);
      assertThat(video.get("width")).isEqualTo(video.get("height"));
      assertThat(((Number) video.get("width")).intValue()).isGreaterThanOrEqualTo(720);
      assertThat(browser.find("#logs").getText()).isNotBlank();
      browser.screenshot("playground-" + model.replace('/', '-'));
    }
  }

  @Test
  void an_uploaded_start_image_is_the_first_frame_of_the_video() throws Exception {
    BufferedImage start = Images.quadrants(1280, 720);
    Path file = Files.createTempFile("kino-start-", ".png");
    Files.write(file, Images.encode(start, "png"));
    browser.go("/playground/" + I2V);
    browser.find("#field-start_image_url-upload").sendKeys(file.toString());
    await()
        .atMost(WAIT)
        .until(
            () ->
                browser
                    .find("#field-start_image_url")
                    .getAttribute("value")
                    .contains("/v1/files/"));
    browser.find(".preview img");
    browser.type("#field-duration", "3");
    uncheck("#field-generate_audio");
    browser.find("#playground button[type=submit]").click();
    playedVideo();
    browser.screenshot("playground-image-to-video");

    String src = browser.find("#video").getAttribute("src");
    Path video = Api.downloadToFile(src);
    BufferedImage first = Frames.all(video).getFirst();
    assertThat(Frames.psnr(first, resized(start, first.getWidth(), first.getHeight())))
        .isGreaterThan(25);
  }

  @Test
  void a_refused_value_is_shown_at_its_field() {
    browser.go("/playground/" + STD);
    browser.type("#field-duration", "99");
    browser.find("#playground button[type=submit]").click();
    browser.waitForText("#field-duration-error", "maximum", WAIT);
    assertThat(browser.find("#field-duration").getAttribute("aria-invalid")).isEqualTo("true");
    browser.screenshot("playground-refused");
  }

  @Test
  void prompts_with_markup_stay_text_in_the_playground_library_and_generation_pages() {
    String prompt = "<script>window.__owned=1</script><img src=x onerror=\"window.__owned=2\">";
    browser.go("/playground/" + STD);
    browser.type("#field-prompt", prompt);
    browser.type("#field-duration", "3");
    uncheck("#field-sound");
    browser.find("#playground button[type=submit]").click();
    playedVideo();
    browser.go("/library");
    browser.waitForText("#library", "<script>", WAIT);
    assertThat(browser.all("#library img[src=x]")).isEmpty();
    assertThat(browser.script("return window.__owned")).isNull();
    browser.find("#library .generation a.thumb").click();
    browser.waitForText("#input", "<script>", WAIT);
    assertThat(browser.script("return window.__owned")).isNull();
  }

  @Test
  void the_library_shows_the_jobs_and_runs_one_again_or_edited() {
    Api api = server.api();
    String id = api.submitOk(STD, clip("from the library"));
    api.awaitState(id, WAIT, "completed");
    browser.go("/library");
    browser.find("[data-request-id='" + id + "']");
    browser.screenshot("library");
    browser.go("/library?status=completed&model=" + STD);
    browser.find("#library .generation");
    assertThat(browser.all("#library .generation"))
        .allMatch(g -> "completed".equals(g.getAttribute("data-status")));

    browser.go("/library/" + id);
    browser.find("#video");
    browser.waitForText("#event-log", "completed", WAIT);
    browser.screenshot("generation");
    browser.find("#run-again").click();
    await().atMost(WAIT).until(() -> !browser.driver().getCurrentUrl().endsWith("/library/" + id));
    String again = browser.driver().getCurrentUrl().replaceAll(".*/library/", "");
    assertThat(api.result(again).body().at("/metadata/input/prompt").asString())
        .isEqualTo("from the library");

    api.awaitState(again, WAIT, "completed");
    browser.go("/library/" + again);
    browser.find("#delete-outputs").click();
    browser.waitForText("#action-status", "Deleted", WAIT);
    browser.waitForText("#main", "Outputs deleted", WAIT);
    assertThat(browser.all("#delete-outputs")).isEmpty();
    assertThat(api.result(again).body().path("outputs_deleted_at").isMissingNode()).isFalse();

    browser.go("/library/" + id);
    browser.find("#edit-and-run").click();
    await()
        .atMost(WAIT)
        .until(
            () -> "from the library".equals(browser.find("#field-prompt").getAttribute("value")));
    assertThat(browser.find("#field-duration").getAttribute("value")).isEqualTo("3");
  }

  @Test
  void a_queued_job_is_cancelled_from_its_page() {
    try (TestServer idle = TestServer.start(0);
        Browser other = Browser.open(idle.api().base(), 1000, 800)) {
      String id = idle.api().submitOk(STD, clip("never runs"));
      signIn(other, TestServer.ADMIN_KEY);
      other.go("/library/" + id);
      other.find("#cancel").click();
      await().atMost(WAIT).until(() -> idle.api().status(id).text("status").equals("cancelled"));
      other.waitForText("#status", "cancelled", WAIT);
      assertThat(other.consoleErrors()).isEmpty();
    }
  }

  @Test
  void the_keys_page_makes_a_key_that_works_over_the_api() {
    browser.go("/keys");
    browser.type("#key-name", "made in the browser");
    browser.type("#max_queued", "5");
    browser.find("#new-key button[type=submit]").click();
    String secret = browser.find("#new-secret").getText();
    browser.screenshot("keys");
    assertThat(secret).startsWith("kino_");
    Api user = server.api(secret);
    assertThat(user.get("/v1/keys/self").body().at("/limits/max_queued").asInt()).isEqualTo(5);
    assertThat(user.get("/v1/models").status()).isEqualTo(200);
  }

  @Test
  void the_usage_page_shows_what_the_usage_api_gives() {
    Api api = server.api();
    String id = api.submitOk(STD, clip("counted"));
    api.awaitState(id, WAIT, "completed");
    // Jobs of earlier cases (a snippet's, a keyboard's) may still be ending: the totals move until
    // then.
    await()
        .atMost(WAIT)
        .until(
            () ->
                api.get("/v1/keys/self").body().at("/usage/queued").asInt() == 0
                    && api.get("/v1/keys/self").body().at("/usage/running").asInt() == 0);
    JsonNode usage = api.get("/v1/usage?group_by=model").body();
    browser.go("/usage");
    String shown = browser.find("#total-cost").getText();
    assertThat(shown).isEqualTo(String.format("$%.2f", usage.path("total_cost_usd").asDouble()));
    assertThat(browser.find("#usage-by-model").getText()).contains(STD);
    assertThat(browser.all("#usage-chart rect")).isNotEmpty();
    assertThat(browser.find("#usage-csv").getAttribute("href")).contains("format=csv");
    browser.screenshot("usage");
  }

  @Test
  void each_code_snippet_read_from_the_playground_runs_against_the_server_and_makes_a_job()
      throws Exception {
    Snippets.requireTools();
    Api api = server.api();
    for (String lang : Snippets.LANGUAGES) {
      String prompt = "made by the " + lang + " snippet";
      browser.go("/playground/" + STD);
      browser.type("#field-prompt", prompt);
      browser.type("#field-duration", "3");
      uncheck("#field-sound");
      browser.waitForText("#code-curl code", prompt, WAIT);
      browser.find("#tab-" + lang).click();
      String code = browser.find("#code-" + lang + " code").getText();
      assertThat(code).as(lang).contains(prompt).doesNotContain(TestServer.ADMIN_KEY);
      if (lang.equals("curl")) {
        browser.screenshot("playground-code");
      }

      Snippets.Ran ran = Snippets.run(lang, code, api.base(), TestServer.ADMIN_KEY);

      assertThat(ran.exitCode()).as(lang + " printed:\n" + ran.output()).isZero();
      JsonNode newest = api.get("/v1/requests?limit=1").body().path("requests").get(0);
      String id = newest.path("request_id").asString();
      assertThat(api.result(id).body().at("/metadata/input/prompt").asString())
          .as("the job the " + lang + " snippet made")
          .isEqualTo(prompt);
    }
  }

  @Test
  void multi_prompt_rows_are_added_and_removed_and_their_sum_shown_against_the_duration() {
    browser.go("/playground/" + STD);
    browser.type("#field-duration", "8");
    WebElement add = browser.find("[data-field='multi_prompt'] > button.secondary");
    add.click();
    add.click();
    browser.type("#field-multi_prompt-0--prompt", "first part");
    browser.type("#field-multi_prompt-0--duration", "3");
    browser.type("#field-multi_prompt-1--prompt", "second part");
    browser.type("#field-multi_prompt-1--duration", "4");
    browser.waitForText("#multi-prompt-sum", "7 s of 8 s", WAIT);
    browser.type("#field-multi_prompt-1--duration", "5");
    browser.waitForText("#multi-prompt-sum", "8 s of 8 s", WAIT);
    add.click();
    assertThat(browser.all("[data-field='multi_prompt'] .row")).hasSize(3);
    browser.all("[data-field='multi_prompt'] .row button.remove").get(2).click();
    assertThat(browser.all("[data-field='multi_prompt'] .row")).hasSize(2);
    browser.screenshot("playground-multi-prompt");
  }

  @Test
  void a_person_with_only_a_keyboard_signs_in_and_submits() {
    try (Browser other = Browser.open(server.api().base(), 1000, 800)) {
      other.go("/playground/" + STD);
      other.find("input[name=api_key]");
      assertThat((Object) other.script("return document.activeElement.name")).isEqualTo("api_key");
      other.driver().switchTo().activeElement().sendKeys(TestServer.ADMIN_KEY + "\n");
      other.find("#field-prompt");
      other.find("#field-prompt").sendKeys(" typed");
      other.type("#field-duration", "3");
      other.find("#field-duration").sendKeys("\n"); // Enter in a field submits its form
      other.waitFor("#run-status", WAIT);
      assertThat(other.consoleErrors()).isEmpty();
    }
  }

  @Test
  void the_pages_fit_a_phone_and_follow_a_dark_system_theme() {
    try (Browser phone = Browser.open(server.api().base(), 390, 844)) {
      signIn(phone, TestServer.ADMIN_KEY);
      for (String path : List.of("/", "/playground/" + I2V, "/library", "/usage", "/keys")) {
        phone.go(path);
        phone.find("main h1");
        Number overflow =
            (Number)
                phone.script("return document.documentElement.scrollWidth - window.innerWidth");
        assertThat(overflow.intValue()).as("sideways scroll on " + path).isLessThanOrEqualTo(0);
      }
      phone.go("/playground/" + STD);
      phone.find("#field-prompt");
      phone.screenshot("phone-playground");
      phone.darkTheme();
      phone.go("/playground/" + STD);
      phone.find("#field-prompt");
      String background =
          (String) phone.script("return getComputedStyle(document.body).backgroundColor");
      assertThat(background).isEqualTo("rgb(18, 18, 24)");
      phone.screenshot("phone-playground-dark");
      assertThat(phone.consoleErrors()).isEmpty();
    }
  }

  /** Waits for the run's video, plays it, and reads what the page's video element says of it. */
  private static Map<?, ?> playedVideo() {
    browser.waitFor("#video", WAIT);
    Object read =
        browser.asyncScript(
            "const done = arguments[arguments.length - 1];"
                + "const v = document.getElementById('video');"
                + "const report = () => v.play().then(() => setTimeout(() => done({readyState:"
                + " v.readyState, duration: v.duration, width: v.videoWidth, height: v.videoHeight,"
                + " time: v.currentTime}), 700)).catch((e) => done({error: String(e)}));"
                + "if (v.readyState >= 1) report(); else v.addEventListener('loadedmetadata',"
                + " report);");
    Map<?, ?> video = (Map<?, ?>) read;
    assertThat(video.get("error")).as("play()").isNull();
    assertThat(((Number) video.get("readyState")).intValue()).isGreaterThanOrEqualTo(2);
    assertThat(((Number) video.get("time")).doubleValue()).as("it plays").isGreaterThan(0);
    return video;
  }

  private static void uncheck(String css) {
    WebElement box = browser.find(css);
    if (box.isSelected()) {
      box.click();
    }
  }

  private static String clip(String prompt) {
    return "{\"prompt\": \""
        + prompt
        + "\", \"duration\": 3, \"aspect_ratio\": \"1:1\", \"sound\": false}";
  }

  private static BufferedImage resized(BufferedImage image, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, width, height, null);
    g.dispose();
    return out;
  }
}
