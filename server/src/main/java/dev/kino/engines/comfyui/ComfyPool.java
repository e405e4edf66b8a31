package dev.kino.engines.comfyui;

import dev.kino.engines.Slots;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ComfyUI servers of this engine, each running one job at a time. A server is handed out only
 * when it is idle and its last health check ({@code /system_stats}) passed; one that fails a job is
 * taken out until a later check passes again. Checks run in the background on idle servers. In a
 * cluster the nodes share what they see ({@link ServerHealth}): a server one node sees fail is
 * taken out by all, and one node's passing check brings it back for all.
 */
final class ComfyPool implements Slots, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ComfyPool.class);

  private final List<Server> servers = new ArrayList<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ScheduledExecutorService checks =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("kino-comfyui-health").daemon().factory());
  private final Duration checkEvery;

  /** Health checks between two readings of an idle server's {@code /object_info}. */
  private static final int READ_AGAIN_EVERY = 5;

  private final Map<String, ComfyWorkflow> workflows;
  private final int depth;
  private final Map<String, String> reportedUnavailable = new HashMap<>();
  private final ServerHealth shared;

  /**
   * {@code workflows}: by model id, to match jobs with the servers that have what they need; {@code
   * depth}: how many Kino jobs a server takes at once, the one running and those whose prompts wait
   * in its own queue, so the GPU starts the next prompt the moment one ends.
   */
  ComfyPool(
      List<URI> urls,
      HttpClient http,
      Duration checkEvery,
      Map<String, ComfyWorkflow> workflows,
      int depth,
      ServerHealth shared) {
    this.checkEvery = checkEvery;
    this.shared = shared;
    this.depth = depth;
    this.workflows = Map.copyOf(workflows);
    for (URI url : urls) {
      servers.add(new Server(new ComfyClient(url, http)));
    }
    checks.scheduleWithFixedDelay(this::checkAll, 0, checkEvery.toMillis(), TimeUnit.MILLISECONDS);
    shared.watch(this::changedElsewhere);
  }

  /**
   * One server: its client, the workers' holds on it, whether it looked healthy last time, what it
   * has.
   */
  static final class Server {
    final ComfyClient client;

    /**
     * This node's socket to the server, under a client id of its own; new prompts are queued with
     * that id.
     */
    final ComfySocket socket;

    /** The holds on this server: the job running on it, and any whose prompt waits in its queue. */
    private final List<Hold> holders = new ArrayList<>();

    private boolean healthy;
    private boolean checked;

    /** What it has; empty until read, or when the server does not say (then it runs anything). */
    private Optional<ServerCapabilities> capabilities = Optional.empty();

    private boolean capabilitiesRead;
    private long capabilitiesReadAt;

    private Server(ComfyClient client) {
      this.client = client;
      this.socket = new ComfySocket(client, "kino-" + UUID.randomUUID());
    }
  }

  /**
   * A worker's hold on one server for one job. Until the job starts a prompt with it ({@link
   * #commit}), the hold can be traded: a job resuming an earlier attempt's prompt takes the server
   * that prompt runs on, and when that server is full, a worker that holds it without a prompt yet
   * gets the resuming job's server instead. So a server never has more than {@code depth} Kino
   * prompts, whichever worker claimed which job first.
   */
  final class Hold implements Slot {
    private Server server;
    private boolean committed;

    private Hold(Server server) {
      this.server = server;
      server.holders.add(this);
    }

    /** The server a new prompt goes to; from now on this hold stays where it is. */
    Server commit() {
      lock.lock();
      try {
        committed = true;
        return server;
      } finally {
        lock.unlock();
      }
    }

    /**
     * Holds {@code other}, where this job's earlier prompt runs, and commits to it: with room, it
     * is taken; full, but held by a worker that has not started a prompt, the two holds trade
     * servers. False when every job holding it has started a prompt there (this job then follows
     * its prompt without holding that server).
     */
    boolean moveTo(Server other) {
      lock.lock();
      try {
        if (other != server) {
          if (other.holders.size() >= depth) {
            Optional<Hold> uncommitted =
                other.holders.stream().filter(h -> !h.committed).findFirst();
            if (uncommitted.isEmpty()) {
              return false;
            }
            Hold holder = uncommitted.get();
            other.holders.remove(holder);
            holder.server = server;
            server.holders.add(holder);
          }
          server.holders.remove(this);
          changed.signalAll();
          other.holders.add(this);
          server = other;
        }
        committed = true;
        return true;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public String name() {
      lock.lock();
      try {
        return server.client.url();
      } finally {
        lock.unlock();
      }
    }

    /** The server's room in a cluster: {@code depth} places, one per Kino job on it at once. */
    @Override
    public List<String> places() {
      lock.lock();
      try {
        String url = server.client.url();
        return IntStream.range(0, depth).mapToObj(i -> "comfyui " + url + " #" + i).toList();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public boolean runs(String modelId) {
      lock.lock();
      try {
        return lacks(server, modelId).isEmpty();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close() {
      lock.lock();
      try {
        server.holders.remove(this);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Jobs at once: {@code depth} per server (one running, the rest queued in ComfyUI behind it). */
  @Override
  public int size() {
    return servers.size() * depth;
  }

  @Override
  public Slot take(Duration wait) throws InterruptedException {
    long left = wait.toNanos();
    lock.lock();
    try {
      while (true) {
        // The least busy healthy server with room: an idle one first, then one whose queue takes a
        // next prompt while the current one runs.
        Optional<Server> free =
            servers.stream()
                .filter(s -> s.healthy && s.holders.size() < depth)
                .min(Comparator.comparingInt(s -> s.holders.size()));
        if (free.isPresent()) {
          return new Hold(free.get());
        }
        if (left <= 0) {
          return null;
        }
        left = changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * This server failed a job (unreachable, crashed): it gets no work until a health check passes
   * again.
   */
  void failed(ComfyClient client, String why) {
    lock.lock();
    try {
      for (Server s : servers) {
        if (s.client == client && s.healthy) {
          LOG.warn(
              "ComfyUI server {} taken out of the pool: {}; checking it every {} ms",
              s.client.url(),
              why,
              checkEvery.toMillis());
          s.healthy = false;
        }
      }
    } finally {
      lock.unlock();
    }
    shared.down(client.url(), why);
  }

  /** Another node of the cluster took a server out, or brought it back. */
  private void changedElsewhere(String url, boolean healthy, String reason, String node) {
    lock.lock();
    try {
      for (Server s : servers) {
        if (s.client.url().equals(url) && s.healthy != healthy) {
          if (healthy) {
            LOG.info("ComfyUI server {} is back: node {} checked it", url, node);
          } else {
            LOG.warn("ComfyUI server {} taken out of the pool: node {} saw {}", url, node, reason);
          }
          s.healthy = healthy;
          s.checked = true;
          changed.signalAll();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Why the server cannot run the model (call with the lock held); empty if it can. */
  private Optional<String> lacks(Server server, String modelId) {
    ComfyWorkflow workflow = workflows.get(modelId);
    return workflow == null
        ? Optional.empty()
        : server.capabilities.flatMap(c -> c.lacks(workflow));
  }

  /** Why the server cannot run the model; empty if it can. */
  Optional<String> lacksFor(Server server, String modelId) {
    lock.lock();
    try {
      return lacks(server, modelId);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Why no server of the pool can run the model: each server lacks a node type or a file it needs.
   * Empty while any server can, or may (one not read yet).
   */
  Optional<String> unavailable(String modelId) {
    lock.lock();
    try {
      List<String> reasons = new ArrayList<>();
      for (Server s : servers) {
        Optional<String> lacking = s.capabilitiesRead ? lacks(s, modelId) : Optional.empty();
        if (lacking.isEmpty()) {
          return Optional.empty();
        }
        reasons.add(s.client.url() + " " + lacking.get());
      }
      return reasons.isEmpty()
          ? Optional.empty()
          : Optional.of("no ComfyUI server can run it: " + String.join("; ", reasons));
    } finally {
      lock.unlock();
    }
  }

  /** Whether the server passed its last health check. */
  boolean looksHealthy(Server server) {
    lock.lock();
    try {
      return server.healthy;
    } finally {
      lock.unlock();
    }
  }

  /** The server with this URL, if it is one of ours (a job's earlier attempt ran there). */
  Optional<Server> find(String url) {
    return servers.stream().filter(s -> s.client.url().equals(url)).findFirst();
  }

  /**
   * Checks every idle server; a running job's server is left alone (its job reports trouble
   * itself).
   */
  private void checkAll() {
    for (Server s : servers) {
      boolean idle;
      lock.lock();
      try {
        idle = s.holders.isEmpty();
      } finally {
        lock.unlock();
      }
      if (!idle) {
        continue;
      }
      if (!check(s)) {
        return;
      }
    }
    reportUnavailable();
  }

  /** Checks every server now, busy or not (for tests); false if interrupted. */
  boolean checkNow() {
    for (Server s : servers) {
      if (!check(s)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Asks the server for {@code /system_stats} (and, now and then, {@code /object_info}), and tells
   * the cluster when the answer changes what this node thought; false if interrupted.
   */
  private boolean check(Server s) {
    String url = s.client.url();
    long seen = shared.seen(url);
    boolean ok = s.client.healthy(Duration.ofSeconds(5));
    Optional<ServerCapabilities> read = Optional.empty();
    boolean reread = ok && needsCapabilities(s);
    if (reread) {
      try {
        read = s.client.objectInfo().map(ServerCapabilities::from);
      } catch (IOException e) {
        LOG.warn("ComfyUI server {}: cannot read /object_info: {}", url, e.toString());
        ok = false;
        reread = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    boolean wasHealthy = looksHealthy(s);
    if (ok && !wasHealthy && !shared.up(url, seen)) {
      ok = false; // another node saw it fail after this check began: the next check decides
    } else if (!ok && wasHealthy) {
      shared.down(url, "it does not answer /system_stats");
    }
    lock.lock();
    try {
      if (reread) {
        s.capabilities = read;
        s.capabilitiesRead = true;
        s.capabilitiesReadAt = System.nanoTime();
      }
      if (ok && !s.healthy) {
        LOG.info("ComfyUI server {} is {}", url, s.checked ? "back" : "ready");
      } else if (!ok && (s.healthy || !s.checked)) {
        LOG.warn(
            "ComfyUI server {} does not answer /system_stats; it gets no jobs until it does", url);
      }
      s.healthy = ok;
      s.checked = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    return true;
  }

  /**
   * What a server has is read when it comes (back) into the pool, and again now and then: it may
   * have restarted with other nodes between two checks, or an operator added model files (ComfyUI
   * lists a folder's files as they are).
   */
  private boolean needsCapabilities(Server s) {
    lock.lock();
    try {
      return !s.healthy
          || !s.capabilitiesRead
          || System.nanoTime() - s.capabilitiesReadAt > checkEvery.toNanos() * READ_AGAIN_EVERY;
    } finally {
      lock.unlock();
    }
  }

  /** Says once when a model becomes one no server can run, and when it can run again. */
  private void reportUnavailable() {
    for (String model : workflows.keySet()) {
      Optional<String> why = unavailable(model);
      String before = reportedUnavailable.get(model);
      if (why.isPresent() && !why.get().equals(before)) {
        LOG.warn("model {} cannot run: {}; its jobs wait in the queue", model, why.get());
        reportedUnavailable.put(model, why.get());
      } else if (why.isEmpty() && before != null) {
        LOG.info("model {} can run again", model);
        reportedUnavailable.remove(model);
      }
    }
  }

  @Override
  public void close() {
    checks.shutdownNow();
    shared.close();
    servers.forEach(s -> s.socket.close());
  }
}
