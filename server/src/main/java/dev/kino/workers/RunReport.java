package dev.kino.workers;

import dev.kino.engines.Reporter;
import dev.kino.jobs.LastReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.node.ObjectNode;

/**
 * What an engine reported since the last heartbeat: the latest progress figure and new log lines.
 * Engines call it from any thread, as often as they like; the heartbeat takes what is new. Bounded
 * per run, so a chatty engine cannot fill the database: lines are cut to {@link #MAX_LINE}
 * characters and after {@link #MAX_LINES} lines one last line says how many more were dropped.
 */
final class RunReport implements Reporter {
  static final int MAX_LINES = 200;
  static final int MAX_LINE = 1000;

  private final AtomicReference<Double> latest = new AtomicReference<>();
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger dropped = new AtomicInteger();
  private Double sent;
  private final JobWrites job;

  /**
   * What the report writes to the job's record at once rather than at the next heartbeat, fenced by
   * its lease.
   */
  interface JobWrites {
    /** Throws when the lease was lost: the engine must stop. */
    void checkpoint(ObjectNode state) throws InterruptedException;

    /** Throws when the lease was lost: the engine must stop. */
    void route(String name) throws InterruptedException;

    /** False when every place is held by another job. */
    boolean holdPlace(List<String> places);

    /** The client's cancel request is withdrawn; the run goes on. */
    void cancelRefused();
  }

  RunReport(JobWrites job) {
    this.job = job;
  }

  @Override
  public void checkpoint(ObjectNode state) throws InterruptedException {
    job.checkpoint(state);
  }

  @Override
  public void route(String name) throws InterruptedException {
    job.route(name);
  }

  @Override
  public boolean holdPlace(List<String> places) {
    return job.holdPlace(places);
  }

  @Override
  public void cancelRefused(String why) {
    log("cancel refused: " + why);
    job.cancelRefused();
  }

  @Override
  public void progress(double fraction) {
    latest.set(Math.max(0, Math.min(1, fraction)));
  }

  @Override
  public void log(String message) {
    if (message == null || message.isBlank()) {
      return;
    }
    if (accepted.incrementAndGet() > MAX_LINES) {
      dropped.incrementAndGet();
      return;
    }
    lines.add(message.length() > MAX_LINE ? message.substring(0, MAX_LINE) + "..." : message);
  }

  /**
   * The progress figure if it changed since the last call, else null. Called by one thread at a
   * time.
   */
  Double newProgress() {
    Double now = latest.get();
    if (now == null || now.equals(sent)) {
      return null;
    }
    sent = now;
    return now;
  }

  /** The lines logged since the last call. */
  List<String> newLines() {
    List<String> taken = new ArrayList<>();
    for (String line = lines.poll(); line != null; line = lines.poll()) {
      taken.add(line);
    }
    return taken;
  }

  /** What is left to send when the run ends, with a line about dropped lines if any. */
  LastReport last() {
    noteDropped();
    return new LastReport(newProgress(), newLines());
  }

  /** A last line for the end of the run when lines were dropped. */
  private void noteDropped() {
    int n = dropped.getAndSet(0);
    if (n > 0) {
      lines.add("(" + n + " more log lines were dropped; a run keeps at most " + MAX_LINES + ")");
    }
  }
}
