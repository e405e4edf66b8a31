package dev.kino.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Prometheus' text format read by the Prometheus project's own parser (its Python client, {@code
 * prometheus_client.parser}, Debian's {@code python3-prometheus-client}), not by code of ours: what
 * a real scraper would make of a scrape, as families with types and samples with labels.
 */
public final class PrometheusText {
  /** Where the parser is looked for: Debian's Python first (where apt puts the package). */
  private static final List<String> PYTHONS = List.of("/usr/bin/python3", "python3");

  private static final String SCRIPT =
      String.join(
          "\n",
          "import json, sys",
          "from prometheus_client.parser import text_string_to_metric_families",
          "out = []",
          "for family in text_string_to_metric_families(sys.stdin.read()):",
          "    for s in family.samples:",
          "        out.append({'family': family.name, 'type': family.type, 'name': s.name,",
          "                    'labels': s.labels, 'value': s.value})",
          "json.dump(out, sys.stdout)");

  /** One sample: its family and type, its own name, labels and value. */
  public record Sample(
      String family, String type, String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  /** A Python with the parser, if this machine has one. */
  public static Optional<String> parser() {
    for (String python : PYTHONS) {
      try {
        Process p =
            new ProcessBuilder(python, "-c", "import prometheus_client.parser")
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
          return Optional.of(python);
        }
      } catch (IOException e) {
        // not this one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Parses a scrape; a text the parser refuses fails with the parser's own message. */
  public static PrometheusText parse(String python, String text) throws Exception {
    Path script = Files.createTempFile("kino-prometheus-", ".py");
    Files.writeString(script, SCRIPT);
    try {
      Process p = new ProcessBuilder(python, script.toString()).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(text.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out = p.getInputStream().readAllBytes();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("Prometheus' parser refused the scrape: " + err);
      }
      List<Sample> samples = new ArrayList<>();
      for (JsonNode s : JsonMapper.shared().readTree(out)) {
        Map<String, String> labels = new LinkedHashMap<>();
        s.path("labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        samples.add(
            new Sample(
                s.path("family").asString(),
                s.path("type").asString(),
                s.path("name").asString(),
                labels,
                s.path("value").asDouble()));
      }
      return new PrometheusText(samples);
    } finally {
      Files.deleteIfExists(script);
    }
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The type the parser gave the family ({@code counter}, {@code gauge}, {@code histogram}...). */
  public Optional<String> type(String family) {
    return samples.stream().filter(s -> s.family().equals(family)).map(Sample::type).findFirst();
  }

  /**
   * The sum of the samples named {@code name} whose labels include {@code labels} (name=value
   * pairs); 0 when none.
   */
  public double value(String name, String... labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && has(s.labels(), labels))
        .mapToDouble(Sample::value)
        .sum();
  }

  private static boolean has(Map<String, String> actual, String... wanted) {
    for (int i = 0; i + 1 < wanted.length; i += 2) {
      if (!wanted[i + 1].equals(actual.get(wanted[i]))) {
        return false;
      }
    }
    return true;
  }
}
