package dev.kino.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.config.Settings;
import dev.kino.testing.Api;
import dev.kino.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The web app's sign-in over plain HTTP: the key is checked once and a session cookie the page's
 * scripts cannot read speaks for it; every change made with the cookie needs the session's CSRF
 * token; revoking the key ends its sessions; sign-out ends one. Bearer keys work as before.
 */
abstract class WebSessionsContract {
  static final String STD = "kling/kling-3.0/standard/text-to-video";
  static final String CLIP = "{\"prompt\": \"from a session\", \"duration\": 3}";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  private final List<TestServer> servers = new ArrayList<>();

  /** The database part of the settings: none for SQLite, a fresh database for PostgreSQL. */
  abstract Settings onDatabase(Settings settings);

  private TestServer server() {
    TestServer server = TestServer.start(s -> onDatabase(s).withWorkers(0));
    servers.add(server);
    return server;
  }

  @AfterEach
  void stop() {
    servers.forEach(TestServer::close);
  }

  @Test
  void a_key_signs_in_to_an_http_only_strict_cookie_that_changes_nothing_without_its_csrf_token()
      throws Exception {
    TestServer server = server();
    String secret = server.api().post("/v1/keys", "{\"name\": \"person\"}").text("secret");

    HttpResponse<String> signedIn = signIn(server, secret);
    assertThat(signedIn.statusCode()).isEqualTo(200);
    String setCookie = signedIn.headers().firstValue("set-cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith("kino_session=")
        .contains("HttpOnly")
        .contains("SameSite=Strict")
        .contains("Path=/")
        .doesNotContain(secret);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    JsonNode session = json(signedIn);
    String csrf = session.path("csrf_token").asString();
    assertThat(session.path("signed_in").asBoolean()).isTrue();
    assertThat(signedIn.body()).doesNotContain(secret);

    assertThat(send(server, "GET", "/v1/models", cookie, null, null).statusCode()).isEqualTo(200);
    HttpResponse<String> forged = send(server, "POST", "/v1/models/" + STD, cookie, null, CLIP);
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(json(forged).at("/detail/reason").asString()).isEqualTo("csrf_token_invalid");
    assertThat(
            send(server, "POST", "/v1/models/" + STD, cookie, "not-the-token", CLIP).statusCode())
        .isEqualTo(403);
    assertThat(server.api(secret).get("/v1/requests").body().path("requests").size())
        .as("nothing was queued by the refused changes")
        .isZero();
    assertThat(send(server, "POST", "/v1/models/" + STD, cookie, csrf, CLIP).statusCode())
        .isEqualTo(200);
    assertThat(server.api(secret).get("/v1/requests").body().path("requests").size()).isOne();
  }

  @Test
  void a_wrong_key_gets_no_session_and_a_revoked_key_ends_its_sessions() throws Exception {
    TestServer server = server();
    HttpResponse<String> fromAForm =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.api().base() + "/web/session"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"api_key\": \"" + TestServer.ADMIN_KEY + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(fromAForm.statusCode()).as("what a form on another site could send").isEqualTo(415);
    assertThat(fromAForm.headers().firstValue("set-cookie")).isEmpty();
    HttpResponse<String> wrong = signIn(server, "kino_not_a_key");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("set-cookie")).isEmpty();

    Api admin = server.api();
    Api.Answer made = admin.post("/v1/keys", "{\"name\": \"leaving\"}");
    String cookie = cookieOf(signIn(server, made.text("secret")));
    assertThat(send(server, "GET", "/v1/requests", cookie, null, null).statusCode()).isEqualTo(200);

    admin.delete("/v1/keys/" + made.text("id"));

    assertThat(send(server, "GET", "/v1/requests", cookie, null, null).statusCode()).isEqualTo(401);
    assertThat(
            json(send(server, "GET", "/web/session", cookie, null, null))
                .path("signed_in")
                .asBoolean())
        .isFalse();
  }

  @Test
  void sign_out_ends_the_session_and_clears_the_cookie() throws Exception {
    TestServer server = server();
    HttpResponse<String> signedIn = signIn(server, TestServer.ADMIN_KEY);
    String cookie = cookieOf(signedIn);
    String csrf = json(signedIn).path("csrf_token").asString();
    assertThat(send(server, "DELETE", "/web/session", cookie, null, null).statusCode())
        .as("sign-out is a change too: another site cannot make it")
        .isEqualTo(403);

    HttpResponse<String> out = send(server, "DELETE", "/web/session", cookie, csrf, null);
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.headers().firstValue("set-cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(send(server, "GET", "/v1/models", cookie, null, null).statusCode()).isEqualTo(401);
    assertThat(server.api().get("/v1/models").status()).as("Bearer keys as before").isEqualTo(200);
  }

  @Test
  void pages_forbid_inline_code_frames_and_sniffing_and_their_scripts_never_parse_markup()
      throws Exception {
    TestServer server = server();
    for (String path :
        List.of("/", "/sign-in", "/playground/" + STD, "/library", "/keys", "/usage")) {
      HttpResponse<String> page = send(server, "GET", path, null, null, null);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      String policy = page.headers().firstValue("content-security-policy").orElseThrow();
      assertThat(policy)
          .contains("script-src 'self'")
          .contains("frame-ancestors 'none'")
          .doesNotContain("unsafe-inline")
          .doesNotContain("unsafe-eval");
      assertThat(page.headers().firstValue("x-content-type-options")).hasValue("nosniff");
      assertThat(page.body())
          .doesNotContainPattern("<script>|<script [^>]*>[^<]")
          .doesNotContain("style=");
      assertThat(page.body()).doesNotContainPattern(" on[a-z]+=");
    }
    for (String asset :
        List.of(
            "app.js",
            "api.js",
            "dom.js",
            "form.js",
            "playground.js",
            "progress.js",
            "snippets.js",
            "library.js",
            "generation.js",
            "keys.js",
            "usage.js",
            "signin.js",
            "catalogue.js")) {
      HttpResponse<String> script = send(server, "GET", "/assets/" + asset, null, null, null);
      assertThat(script.statusCode()).as(asset).isEqualTo(200);
      assertThat(script.headers().firstValue("content-type").orElseThrow())
          .startsWith("text/javascript");
      assertThat(script.body())
          .as(asset + " builds the page from text, never from markup")
          .doesNotContain("innerHTML")
          .doesNotContain("outerHTML")
          .doesNotContain("insertAdjacentHTML")
          .doesNotContain("document.write")
          .doesNotContain("eval(")
          .doesNotContain("new Function");
    }
    assertThat(send(server, "GET", "/assets/../web/index.html", null, null, null).statusCode())
        .isEqualTo(404);
  }

  private static HttpResponse<String> signIn(TestServer server, String key) throws Exception {
    return send(server, "POST", "/web/session", null, null, "{\"api_key\": \"" + key + "\"}");
  }

  private static String cookieOf(HttpResponse<String> answer) {
    String set = answer.headers().firstValue("set-cookie").orElseThrow();
    return set.substring(0, set.indexOf(';'));
  }

  private static JsonNode json(HttpResponse<String> answer) {
    return JsonMapper.shared().readTree(answer.body());
  }

  private static HttpResponse<String> send(
      TestServer server, String method, String path, String cookie, String csrf, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.api().base() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (csrf != null) {
      request.header("X-CSRF-Token", csrf);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
