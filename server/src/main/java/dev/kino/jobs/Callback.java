package dev.kino.jobs;

/**
 * Where a job's webhook goes: the URL given at submit, called when the job ends and, if asked, when
 * it starts; {@code format} is the shape its messages take (Kino's own, or the dialect's the job
 * was made in).
 */
public record Callback(String url, boolean onStart, Format format) {
  public Callback(String url, boolean onStart) {
    this(url, onStart, Format.KINO);
  }

  /** The shapes a webhook message can take. */
  public enum Format {
    KINO,
    FAL,
    REPLICATE;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Format fromWire(String wire) {
      return wire == null ? KINO : valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
  }
}
