package dev.kino.engines.comfyui;

import dev.kino.engines.Slots;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ComfyUI servers of this engine, each running one job at a time. A server is handed out only
 * when it is idle and its last health check ({@code /system_stats}) passed; one that fails a job is
 * taken out until a later check passes again. Checks run in the background on idle servers.
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

  ComfyPool(List<URI> urls, HttpClient http, Duration checkEvery) {
    this.checkEvery = checkEvery;
    for (URI url : urls) {
      servers.add(new Server(new ComfyClient(url, http)));
    }
    checks.scheduleWithFixedDelay(this::checkAll, 0, checkEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * One server: its client, the worker's hold on it (null when free), whether it looked healthy
   * last time.
   */
  static final class Server {
    final ComfyClient client;

    /**
     * This node's socket to the server, under a client id of its own; new prompts are queued with
     * that id.
     */
    final ComfySocket socket;

    private Hold heldBy;
    private boolean healthy;
    private boolean checked;

    private Server(ComfyClient client) {
      this.client = client;
      this.socket = new ComfySocket(client, "kino-" + UUID.randomUUID());
    }
  }

  /**
   * A worker's hold on one server for one job. Until the job starts a prompt with it ({@link
   * #commit}), the hold can be traded: a job resuming an earlier attempt's prompt takes the server
   * that prompt runs on, and the worker that held that server gets the resuming job's server
   * instead. So a new prompt never lands on a server where a resumed one still runs, whichever
   * worker claimed which job first.
   */
  final class Hold implements Slot {
    private Server server;
    private boolean committed;

    private Hold(Server server) {
      this.server = server;
      server.heldBy = this;
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
     * Holds {@code other}, where this job's earlier prompt runs, and commits to it: free, it is
     * taken; held by a worker that has not started a prompt, the two holds trade servers. False
     * when a prompt was already started there by another job (this job then follows its prompt
     * without holding that server).
     */
    boolean moveTo(Server other) {
      lock.lock();
      try {
        if (other != server) {
          Hold holder = other.heldBy;
          if (holder != null && holder.committed) {
            return false;
          }
          if (holder != null) {
            holder.server = server;
            server.heldBy = holder;
          } else {
            server.heldBy = null;
            changed.signalAll();
          }
          other.heldBy = this;
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

    @Override
    public void close() {
      lock.lock();
      try {
        if (server.heldBy == this) {
          server.heldBy = null;
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public int size() {
    return servers.size();
  }

  @Override
  public Slot take(Duration wait) throws InterruptedException {
    long left = wait.toNanos();
    lock.lock();
    try {
      while (true) {
        for (Server s : servers) {
          if (s.healthy && s.heldBy == null) {
            return new Hold(s);
          }
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
        idle = s.heldBy == null;
      } finally {
        lock.unlock();
      }
      if (!idle) {
        continue;
      }
      boolean ok = s.client.healthy(Duration.ofSeconds(5));
      lock.lock();
      try {
        if (ok && !s.healthy) {
          LOG.info("ComfyUI server {} is {}", s.client.url(), s.checked ? "back" : "ready");
        } else if (!ok && (s.healthy || !s.checked)) {
          LOG.warn(
              "ComfyUI server {} does not answer /system_stats; it gets no jobs until it does",
              s.client.url());
        }
        s.healthy = ok;
        s.checked = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public void close() {
    checks.shutdownNow();
    servers.forEach(s -> s.socket.close());
  }
}
