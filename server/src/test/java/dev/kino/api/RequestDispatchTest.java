package dev.kino.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.jobs.EventHub;
import dev.kino.metrics.Metrics;
import dev.kino.models.ModelCatalog;
import dev.kino.storage.DiskSpace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health check does not queue behind the API's requests: with every request thread taken (here
 * held, as a burst of thousands of event streams takes them), {@code /healthz} still answers, and
 * the held requests are served once their threads come.
 */
class RequestDispatchTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Request threads that run nothing until the test lets them. */
  private final LinkedBlockingQueue<Runnable> held = new LinkedBlockingQueue<>();

  private final Executor heldThreads = held::add;
  private Server server;
  private String base;

  @BeforeEach
  void start(@TempDir Path dir) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    Health health =
        new Health(Optional::empty, DiskSpace.of(dir, 0, Clock.systemUTC()), Clock.systemUTC());
    RequestDispatch dispatch =
        new RequestDispatch(
            health,
            new StatusAnswers(System::nanoTime),
            heldThreads,
            new Metrics(
                ModelCatalog.load(Optional.empty()), List::of, new EventHub(), Clock.systemUTC()));
    dispatch.setHandler(new ApiStandIn());
    server.setHandler(dispatch);
    server.start();
    base = "http://127.0.0.1:" + connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  @Test
  void the_health_check_is_answered_while_every_request_thread_is_taken() throws Exception {
    CompletableFuture<HttpResponse<String>> apiCall =
        HTTP.sendAsync(get("/v1/models"), HttpResponse.BodyHandlers.ofString());
    Runnable waiting = held.poll(10, TimeUnit.SECONDS);
    assertThat(waiting).as("the API request waits for a request thread").isNotNull();

    HttpResponse<String> health = HTTP.send(get("/healthz"), HttpResponse.BodyHandlers.ofString());

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(health.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(health.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(apiCall).isNotDone();

    waiting.run();
    assertThat(apiCall.get(10, TimeUnit.SECONDS).body()).isEqualTo("api");
  }

  @Test
  void other_paths_and_methods_go_to_the_api() throws Exception {
    CompletableFuture<HttpResponse<String>> post =
        HTTP.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "/healthz"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    held.poll(10, TimeUnit.SECONDS).run();

    assertThat(post.get(10, TimeUnit.SECONDS).body()).isEqualTo("api");
  }

  private HttpRequest get(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).build();
  }

  /** Where the Javalin API sits in the server. */
  private static final class ApiStandIn extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      response.setStatus(200);
      response.write(true, StandardCharsets.UTF_8.encode("api"), callback);
      return true;
    }
  }
}
