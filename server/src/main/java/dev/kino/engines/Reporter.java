package dev.kino.engines;

/**
 * Where an engine tells its job's watchers how it is doing. Both calls are cheap (they only remember the
 * latest figure or queue the line); the worker's heartbeat stores them and clients see them in status and the
 * events stream.
 */
public interface Reporter {

  /** How far the run got, 0..1; cheap enough to call on every frame. */
  void progress(double fraction);

  /** One human-readable line about the run (what it is doing, what it decided); long lines are cut. */
  void log(String message);

  /** A reporter that drops everything (tools and tests). */
  static Reporter ignoring() {
    return new Reporter() {
      @Override
      public void progress(double fraction) {}

      @Override
      public void log(String message) {}
    };
  }
}
