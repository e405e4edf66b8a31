package dev.kino.api;

import dev.kino.dialects.fal.FalQueue;
import dev.kino.metrics.Metrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The first thing every request meets. A health check, and a status poll answered moments ago to
 * the same key ({@link StatusAnswers}), are answered at once on the connection's own thread; every
 * other request is handed to the request threads (one virtual thread each) that run the API. A
 * burst of thousands of requests (event streams opening at once) queues on those threads and can
 * keep them busy for seconds; a load balancer's check must not wait behind it, or it takes a busy
 * node for a dead one.
 */
final class RequestDispatch extends Handler.Wrapper {
  private static final String HEALTH_PATH = "/healthz";

  private final Health health;
  private final StatusAnswers statusAnswers;
  private final Executor requestThreads;
  private final Metrics metrics;
  private final LongConsumer statusAnswered;

  RequestDispatch(
      Health health, StatusAnswers statusAnswers, Executor requestThreads, Metrics metrics) {
    this.health = health;
    this.statusAnswers = statusAnswers;
    this.requestThreads = requestThreads;
    this.metrics = metrics;
    this.statusAnswered = metrics.httpRecorder("GET", StatusAnswers.ROUTE, 200);
  }

  /** Jetty calls {@link #handle} on its I/O thread, as nothing here blocks. */
  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    if (HEALTH_PATH.equals(Request.getPathInContext(request)) && readsOnly(request)) {
      int status = answerHealth(request, response, callback);
      metrics.http(request.getMethod(), HEALTH_PATH, status, System.nanoTime() - start);
      return true;
    }
    if (statusAnswers.answer(request, response, callback)) {
      statusAnswered.accept(System.nanoTime() - start);
      return true;
    }
    Request routed = request;
    if (FAL_PROXY.equals(Request.getPathInContext(request))) {
      Optional<Request> target = falProxied(request);
      if (target.isEmpty()) {
        response.setStatus(400);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(
            true,
            ByteBuffer.wrap(
                "{\"detail\": \"x-fal-target-url must be a https://queue.fal.run/... URL\"}"
                    .getBytes(StandardCharsets.UTF_8)),
            callback);
        return true;
      }
      routed = target.get();
    }
    Request dispatched = routed;
    try {
      requestThreads.execute(() -> handleOnRequestThread(dispatched, response, callback));
    } catch (RejectedExecutionException stopping) {
      Response.writeError(request, response, callback, 503, "the server is stopping");
    }
    return true;
  }

  private static final String FAL_PROXY = "/fal/proxy";

  /**
   * fal's proxy convention ({@code @fal-ai/client}'s {@code withProxy}): the request comes to the
   * proxy with the queue URL it meant in {@code x-fal-target-url}; it is handled as if it had come
   * to Kino's copy of that URL under {@code /fal/queue/}.
   */
  private static Optional<Request> falProxied(Request request) {
    String target = request.getHeaders().get("x-fal-target-url");
    if (target == null) {
      return Optional.empty();
    }
    return FalQueue.proxied(target)
        .map(
            pathQuery -> {
              HttpURI uri = HttpURI.build(request.getHttpURI()).pathQuery(pathQuery).asImmutable();
              return new Request.Wrapper(request) {
                @Override
                public HttpURI getHttpURI() {
                  return uri;
                }
              };
            });
  }

  private void handleOnRequestThread(Request request, Response response, Callback callback) {
    try {
      if (!super.handle(request, response, callback)) {
        Response.writeError(request, response, callback, 404);
      }
    } catch (Throwable failure) {
      Response.writeError(request, response, callback, failure);
    }
  }

  private int answerHealth(Request request, Response response, Callback callback) {
    Health.Answer answer = health.answer();
    response.setStatus(answer.status());
    SecurityHeaders.putAll(response.getHeaders()::put);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, answer.body().length);
    response.write(true, ByteBuffer.wrap(answer.body()), callback); // Jetty sends no body to HEAD
    return answer.status();
  }

  private static boolean readsOnly(Request request) {
    return HttpMethod.GET.is(request.getMethod()) || HttpMethod.HEAD.is(request.getMethod());
  }
}
