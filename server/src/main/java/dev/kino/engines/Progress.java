package dev.kino.engines;

/** Where an engine reports how far it got (0..1); cheap to call on every frame. */
@FunctionalInterface
public interface Progress {
  void report(double fraction);
}
