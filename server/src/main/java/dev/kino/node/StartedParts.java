package dev.kino.node;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a node's start-up has opened so far, so that a start failing part way closes it again, last
 * opened first (workers before the database they write to, the data-dir lock last).
 */
final class StartedParts {
  private static final Logger LOG = LoggerFactory.getLogger(StartedParts.class);
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  <T extends AutoCloseable> T add(T part) {
    opened.push(part);
    return part;
  }

  void closeAll() {
    while (!opened.isEmpty()) {
      AutoCloseable part = opened.pop();
      try {
        part.close();
      } catch (Exception e) {
        LOG.warn("closing {} after a failed start failed: {}", part, e.getMessage());
      }
    }
  }
}
