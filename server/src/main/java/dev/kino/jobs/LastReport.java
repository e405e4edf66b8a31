package dev.kino.jobs;

import java.util.List;

/**
 * What a run reported after its last heartbeat: its last progress figure (null when none is new)
 * and its new log lines. Written in the same commit as the run's outcome, before the outcome's
 * event, so a job's event log ends with everything its engine said, at the cost of one commit
 * rather than two.
 */
public record LastReport(Double progress, List<String> lines) {
  public static final LastReport NONE = new LastReport(null, List.of());

  public LastReport {
    lines = List.copyOf(lines);
  }
}
