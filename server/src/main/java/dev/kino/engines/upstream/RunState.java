package dev.kino.engines.upstream;

import dev.kino.engines.Reporter;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The engine state of one job's run: what earlier attempts recorded, and what this one records on
 * top (durably, through the worker, before it acts on it).
 */
final class RunState {
  private final Reporter reporter;
  private ObjectNode state;

  RunState(Optional<ObjectNode> recorded, Reporter reporter) {
    this.reporter = reporter;
    this.state =
        recorded.map(ObjectNode::deepCopy).orElseGet(() -> JsonMapper.shared().createObjectNode());
  }

  ObjectNode current() {
    return state.deepCopy();
  }

  /**
   * Records {@code fields} over what is recorded; returns when it is durable (throws when the lease
   * was lost).
   */
  void record(ObjectNode fields) throws InterruptedException {
    ObjectNode next = state.deepCopy();
    next.setAll(fields);
    reporter.checkpoint(next);
    state = next;
  }

  Reporter reporter() {
    return reporter;
  }

  void log(String line) {
    reporter.log(line);
  }
}
