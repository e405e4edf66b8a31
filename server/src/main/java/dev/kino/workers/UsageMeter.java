package dev.kino.workers;

import dev.kino.engines.EngineResult;
import dev.kino.engines.OutputFile;
import dev.kino.jobs.Job;
import dev.kino.jobs.Usage;
import dev.kino.media.MediaException;
import dev.kino.media.MediaInfo;
import dev.kino.media.MediaProbe;
import dev.kino.models.ModelPricing;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a completed run used: the seconds of its video (frames over frame rate of the first {@code
 * video} output, as made; the input's asked-for seconds when there is no video to read), the time
 * the engine ran, the cost by the model's pricing, and a cost the provider reported in the run's
 * metadata ({@code provider_cost_usd}).
 */
final class UsageMeter {
  private UsageMeter() {}

  static Usage measure(
      Job job, EngineResult result, Optional<ModelPricing> pricing, Instant started, Instant now) {
    double seconds =
        result.files().stream()
            .filter(f -> f.field().equals("video"))
            .findFirst()
            .flatMap(UsageMeter::videoSeconds)
            .orElseGet(() -> pricing.map(p -> p.requestedSeconds(job.input())).orElse(0.0));
    JsonNode reported = result.metadata().path("provider_cost_usd");
    return new Usage(
        seconds,
        Math.max(0, Duration.between(started, now).toMillis() / 1000.0),
        pricing.map(p -> p.cost(job.input(), seconds).usd()),
        reported.isNumber() ? Optional.of(reported.decimalValue()) : Optional.<BigDecimal>empty());
  }

  private static Optional<Double> videoSeconds(OutputFile file) {
    try {
      MediaInfo info = MediaProbe.probe(file.path());
      if (info.videoFrames() > 0 && info.frameRate() > 0) {
        return Optional.of(Math.round(info.videoFrames() / info.frameRate() * 1000) / 1000.0);
      }
      return Optional.of(info.durationSeconds());
    } catch (MediaException e) {
      return Optional.empty(); // a file the probe cannot read: priced by what was asked
    }
  }
}
