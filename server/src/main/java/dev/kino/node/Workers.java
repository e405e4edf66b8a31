package dev.kino.node;

import dev.kino.config.Settings;
import dev.kino.engines.Engine;
import dev.kino.engines.Engines;
import dev.kino.jobs.JobStore;
import dev.kino.metrics.Metrics;
import dev.kino.models.Model;
import dev.kino.models.ModelCatalog;
import dev.kino.storage.DiskSpace;
import dev.kino.storage.FileStore;
import dev.kino.workers.LeaseReaper;
import dev.kino.workers.Wakeup;
import dev.kino.workers.WorkerPool;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One worker pool per engine in use, each claiming only its engine's models: the sandbox's pool has
 * {@code --workers} workers; an engine with servers has one worker per server, so no server runs
 * two jobs.
 */
final class Workers implements AutoCloseable {
  private final List<WorkerPool> pools = new ArrayList<>();
  private final LeaseReaper reaper;

  Workers(
      JobStore jobs,
      ModelCatalog catalog,
      Engines engines,
      FileStore files,
      Path workRoot,
      Wakeup wakeup,
      Clock clock,
      Settings settings,
      String nodeId,
      DiskSpace disk,
      Metrics metrics) {
    reaper = new LeaseReaper(jobs.expired(), wakeup, clock, settings.lease());
    if (settings.workers() == 0) {
      return; // accept and queue only
    }
    Map<String, Set<String>> modelsByEngine = new TreeMap<>();
    for (Model model : catalog.all()) {
      modelsByEngine
          .computeIfAbsent(model.definition().engine(), e -> new TreeSet<>())
          .add(model.id());
    }
    modelsByEngine.forEach(
        (name, models) -> {
          Engine engine = engines.find(name).orElseThrow();
          int size = engine.slots().map(slots -> slots.size()).orElse(settings.workers());
          pools.add(
              new WorkerPool(
                  jobs.queue(),
                  catalog,
                  engines,
                  files,
                  workRoot,
                  wakeup,
                  clock,
                  settings.lease(),
                  size,
                  nodeId,
                  name,
                  models,
                  engine.slots(),
                  disk,
                  metrics));
        });
  }

  void start() {
    reaper.start();
    pools.forEach(WorkerPool::start);
  }

  /** How many jobs this node runs at once, all pools together. */
  int size() {
    return pools.stream().mapToInt(WorkerPool::size).sum();
  }

  @Override
  public void close() {
    pools.forEach(WorkerPool::close);
    reaper.close();
  }
}
