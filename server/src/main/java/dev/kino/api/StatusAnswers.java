package dev.kino.api;

import dev.kino.keys.KeySecrets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Status answers kept for {@link #FRESH}, so that a client polling one request many times a second
 * (or many clients polling the same one) is answered from memory on Jetty's reading thread, like
 * {@code /healthz}, instead of by a request thread that authenticates, reads the job and its queue
 * position and renders them again.
 *
 * <p>An answer is kept only as the full route gave it (a 200), under the request's path, the hash
 * of its {@code Authorization} header and the scheme and host its links were made for: the same key
 * asking the same way gets the same bytes. It is dropped as soon as its job has news on this node
 * (its own commits, or another node's heard of), when any key changes here, and it is never older
 * than the key cache's freshness, so a key revoked anywhere stops being answered within the same
 * second as it does on every other route. What may be up to that old: the queue position, and on
 * another node a change heard late.
 */
final class StatusAnswers {
  static final Duration FRESH = KeyCache.FRESH;

  /** Jobs with answers kept; more are not polled within half a second on one node. */
  private static final int MOST = 10_000;

  private static final Pattern STATUS_PATH = Pattern.compile("/v1/requests/([^/]+)/status");

  private record Answer(byte[] body, long madeAt) {}

  /** The route's pattern, as the HTTP metrics name it. */
  static final String ROUTE = "/v1/requests/{request_id}/status";

  private final LongSupplier nanos;

  /** A queued job's answers: its queue position moves with every other job's news. */
  private final Map<String, Map<String, Answer>> queued = new ConcurrentHashMap<>();

  private final Map<String, Map<String, Answer>> others = new ConcurrentHashMap<>();
  private final AtomicLong news = new AtomicLong();

  StatusAnswers(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /**
   * What to hand back to {@link #keep}: taken before the job is read, so that an answer rendered
   * from a read that news overtook is not kept.
   */
  long ticket() {
    return news.get();
  }

  /**
   * Keeps the full route's answer ({@code inQueue}: for a queued job), unless any job had news
   * since {@code ticket}.
   */
  void keep(long ticket, String jobId, boolean inQueue, String askedBy, byte[] body) {
    if (news.get() != ticket) {
      return;
    }
    if (queued.size() + others.size() >= MOST) {
      forgetAll(); // rare: more requests polled than this in half a second
    }
    (inQueue ? queued : others)
        .computeIfAbsent(jobId, id -> new ConcurrentHashMap<>())
        .put(askedBy, new Answer(body, nanos.getAsLong()));
  }

  /**
   * Answers a status poll from memory when it can (true), on the calling thread, without blocking.
   */
  boolean answer(Request request, Response response, Callback callback) {
    if (!HttpMethod.GET.is(request.getMethod()) || request.getHttpURI().getQuery() != null) {
      return false;
    }
    Optional<byte[]> kept =
        find(
            Request.getPathInContext(request),
            request.getHeaders().get(HttpHeader.AUTHORIZATION),
            request.getHttpURI().getScheme(),
            request.getHeaders().get(HttpHeader.HOST));
    if (kept.isEmpty()) {
      return false;
    }
    byte[] body = kept.get();
    response.setStatus(200);
    SecurityHeaders.putAll(response.getHeaders()::put);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }

  /** The answer kept for this poll of a status path, while it is fresh. */
  Optional<byte[]> find(String path, String authorization, String scheme, String host) {
    Matcher status = STATUS_PATH.matcher(path);
    if (!status.matches() || authorization == null || host == null) {
      return Optional.empty();
    }
    String jobId = status.group(1);
    Map<String, Answer> answers = queued.getOrDefault(jobId, others.get(jobId));
    if (answers == null) {
      return Optional.empty();
    }
    Answer kept = answers.get(askedBy(authorization, scheme, host));
    if (kept == null || nanos.getAsLong() - kept.madeAt() >= FRESH.toNanos()) {
      return Optional.empty();
    }
    return Optional.of(kept.body());
  }

  /**
   * The job has news (empty: any job may have): its answers go, and every queued job's, whose
   * position may have moved.
   */
  void news(Optional<String> jobId) {
    jobId.ifPresentOrElse(this::forget, this::forgetAll);
  }

  void forget(String jobId) {
    news.incrementAndGet();
    others.remove(jobId);
    queued.clear();
  }

  void forgetAll() {
    news.incrementAndGet();
    others.clear();
    queued.clear();
  }

  /** Who asked, and for links on which base: one hash, so that no key is held in memory as text. */
  static String askedBy(String authorization, String scheme, String host) {
    return KeySecrets.hash(authorization + "\n" + scheme + "://" + host);
  }
}
